"""The ``pressroom`` command: JSON output, idempotent ingest, and one clear line for every user error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.files import encrypt_pdf, make_pdf
from ui.cli import main

NOTE = "Press note\nThe committee met in Dakar on 3 May 2024. It approved the new budget.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def fake_model(use_fake_model: None) -> None:
    """The CLI tests exercise the command, not the model: the hashing embedder keeps them fast."""


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\nfrom ui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('torch', 'chromadb', 'gradio', 'sentence_transformers', 'langchain_core')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_console_script_answers_in_json(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "pressroom"
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path / "home"), "PRESSROOM_MODEL": "hashing"}
    result = subprocess.run(
        [str(script), "ask", "--json", "Who chaired the launch ceremony?"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"question", "text", "citations", "passages", "abstained"}


def test_ingest_twice_embeds_nothing_the_second_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    code, out, _ = run(capsys, "ingest", "--json", str(tmp_path / "note.txt"))
    first = json.loads(out)
    assert code == 0 and first["added"] == 1 and first["embedded"] >= 1
    code, out, _ = run(capsys, "ingest", "--json", str(tmp_path / "note.txt"))
    assert json.loads(out) == {
        "files": 1, "added": 0, "unchanged": 1, "removed": 0, "embedded": 0, "errors": [], "duplicates": 0,
        "skipped": [], "notes": [],
    }  # fmt: skip
    code, out, _ = run(capsys, "ingest", str(tmp_path / "note.txt"))
    assert "1 file(s) read (0 added or updated, 1 unchanged" in out and "0 chunk(s) embedded" in out


def test_sources_remove_and_ask(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    run(capsys, "ingest", str(tmp_path / "note.txt"))
    code, out, _ = run(capsys, "sources", "--json")
    listed = {item["source"]: item for item in json.loads(out)}
    assert set(listed) == {"iom-mali-trafficking-2023", "note"} and listed["note"]["chunks"] >= 1
    assert set(listed["note"]) >= {"source", "title", "chunks"}
    code, out, _ = run(capsys, "ask", "Where did the committee meet?")
    assert code == 0 and "[1]" in out and "Dakar" in out
    code, out, _ = run(capsys, "remove", "--json", "note")
    assert code == 0 and json.loads(out)["source"] == "note"


def test_reset_asks_for_confirmation(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    run(capsys, "sources")
    code, _, err = run(capsys, "reset")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "sources", "--json")
    assert len(json.loads(out)) == 1, "nothing was deleted"
    code, _, _ = run(capsys, "reset", "--yes")
    code, out, _ = run(capsys, "sources", "--json")
    assert code == 0 and json.loads(out) == []


BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.md": b"   \n\n  ",
    "binary.txt": bytes(range(256)) * 20,
    "junk.txt": b"\x81\x8d\x8f\x90\x9d" * 50,
    "corrupt.pdf": b"%PDF-1.7\n1 0 obj broken",
    "locked.pdf": encrypt_pdf(make_pdf(["secret text"])),
    "slides.pptx": b"PK\x03\x04",
    "corrupt.docx": b"PK\x03\x04 not a Word document",
    "old.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
    "photo": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
}


@pytest.mark.parametrize(
    "args",
    [
        ["ask", ""],
        ["ask", "   "],
        ["ask", "x" * 100_000],
        ["ask", "-k", "0", "When was the plan launched?"],
        ["ask", "--answerer", "oracle", "When was the plan launched?"],
        ["remove", "no-such-document"],
        ["ingest", "/no/such/path.txt"],
        *[["ingest", f"BAD/{name}"] for name in BAD_FILES],
    ],
    ids=lambda args: " ".join(args)[:40],
)
def test_user_errors_give_one_line_exit_1_and_change_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    for name, data in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    args = [arg.replace("BAD/", f"{tmp_path}/") for arg in args]
    _, before, _ = run(capsys, "sources", "--json")
    code, _, err = run(capsys, *args)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(".") and "Traceback" not in err, err
    _, after, _ = run(capsys, "sources", "--json")
    assert after == before


def test_ask_on_an_emptied_index_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "remove", "iom-mali-trafficking-2023")
    code, _, err = run(capsys, "ask", "When was the plan launched?")
    assert code == 1 and "pressroom ingest" in err and len(err.strip().splitlines()) == 1


LICENCES = Path(__file__).resolve().parents[2] / "evals" / "data" / "licenses"


def common_licenses(folder: Path) -> list[str]:
    """A folder like Debian's /usr/share/common-licenses: licence texts without an extension."""
    folder.mkdir()
    names = []
    for path in sorted(LICENCES.glob("*.txt")):
        name = path.stem.upper().replace("APACHE", "Apache").replace("ARTISTIC", "Artistic")
        shutil.copyfile(path, folder / name)
        names.append(name)
    return names


def test_a_folder_of_files_without_extensions_is_read_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Issue 18: `pressroom ingest /usr/share/common-licenses` read nothing and exited 0."""
    names = common_licenses(tmp_path / "common-licenses")

    code, out, err = run(capsys, "ingest", "--json", str(tmp_path / "common-licenses"))

    report = json.loads(out)
    assert code == 0 and err == "" and (report["added"], report["skipped"]) == (len(names), [])
    _, out, _ = run(capsys, "sources", "--json")
    titles = {item["source"]: item["title"] for item in json.loads(out)}
    assert titles["gpl-3"] == "GNU GENERAL PUBLIC LICENSE, Version 3, 29 June 2007" and titles["apache-2.0"].startswith(
        "Apache License"
    )


def test_a_binary_file_in_a_folder_is_named_and_the_text_files_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.txt").write_text(NOTE)
    (tmp_path / "docs" / "README").write_text("Read Me\n\nThe archive holds the committee's notes.\n")
    (tmp_path / "docs" / "logo").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    code, out, err = run(capsys, "ingest", str(tmp_path / "docs"))

    assert code == 0
    assert (
        out.splitlines()[0]
        == "2 file(s) read (2 added or updated, 0 unchanged, 0 already indexed under another name), 1 skipped, "
        "0 removed; 2 chunk(s) embedded."
    )
    logo = tmp_path / "docs" / "logo"
    assert err.splitlines() == [
        f"skipped: {logo}: looks like a binary file, not text; convert it to text, .docx or .pdf first."
    ]
    code, out, _ = run(capsys, "ingest", "--json", str(tmp_path / "docs"))
    assert json.loads(out)["skipped"] == [
        {"path": str(tmp_path / "docs" / "logo"), "reason": "binary", "message": err.splitlines()[0][9:]}
    ]


def test_a_folder_with_nothing_readable_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "blob").write_bytes(bytes(range(256)))
    (tmp_path / "empty").mkdir()

    assert run(capsys, "ingest", str(tmp_path / "bad"))[0] == 1
    code, out, err = run(capsys, "ingest", str(tmp_path / "empty"))
    assert (
        code == 1
        and "0 file(s) read" in out
        and err.strip().endswith(
            "the folder holds no files to read (hidden files are not read); add documents to it or name other paths."
        )
    )


def test_a_link_loop_does_not_stop_a_folder(tmp_path: Path) -> None:
    """Issue 20: `pressroom ingest d` stopped with "unexpected failure (RuntimeError)" and indexed nothing."""
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "good1.txt").write_text("The quokka festival is in March.\n")
    (tmp_path / "d" / "loop.txt").symlink_to("loop.txt")
    env = {
        **os.environ,
        "PRESSROOM_HOME": str(tmp_path / "home"),
        "PRESSROOM_MODEL": "hashing",
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    command = [sys.executable, "-m", "ui.cli"]

    def pressroom(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, *args], check=False, capture_output=True, text=True, env=env)

    folder = pressroom("ingest", str(tmp_path / "d"))
    named = pressroom("ingest", str(tmp_path / "d" / "loop.txt"))
    listed = pressroom("sources", "--json")

    loop = f"{tmp_path / 'd' / 'loop.txt'}: is a symbolic link that loops back on itself; fix or remove the link."
    assert (folder.returncode, folder.stderr) == (0, f"skipped: {loop}\n")
    assert (named.returncode, named.stderr) == (1, f"skipped: {loop}\n")
    assert "good1" in {item["source"] for item in json.loads(listed.stdout)}


def test_a_quote_with_its_own_quote_marks_gets_no_second_pair() -> None:
    from ui.cli import quoted

    assert quoted("The plan was launched.") == "“The plan was launched.”"
    assert quoted("“We are ready.”") == "“We are ready.”"
    assert quoted('"We are ready."') == '"We are ready."'
    assert quoted("« Nous sommes prêts. »") == "« Nous sommes prêts. »"
    assert quoted("“A” and “B” are terms.") == "““A” and “B” are terms.”"  # not one quotation: marked as a whole


@pytest.mark.parametrize(
    "args", [["sources"], ["sources", "--json"], ["ask", "When was the plan launched?"], ["--help"]], ids=" ".join
)
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    """``pressroom sources | head -1``: when the reader has closed the pipe, exit 0 and say nothing, as Unix
    tools do."""
    script = Path(sys.executable).parent / "pressroom"
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path / "home"), "PRESSROOM_MODEL": "hashing"}
    subprocess.run([str(script), "sources"], env=env, capture_output=True, check=True)  # first use done
    process = subprocess.Popen([str(script), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written: every write fails with EPIPE
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0 and err == "", err
    process.stderr.close()
