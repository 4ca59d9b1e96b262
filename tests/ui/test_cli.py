"""The ``pressroom`` command: JSON output, idempotent ingest, and one clear line for every user error."""

from __future__ import annotations

import json
import os
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
        "print(sorted(m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers', 'langchain_core') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_console_script_answers_in_json(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "pressroom"
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path / "home"), "PRESSROOM_MODEL": "hashing"}
    result = subprocess.run([str(script), "ask", "--json", "Who chaired the launch ceremony?"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"question", "text", "citations", "passages", "abstained"}


def test_ingest_twice_embeds_nothing_the_second_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    code, out, _ = run(capsys, "ingest", "--json", str(tmp_path / "note.txt"))
    first = json.loads(out)
    assert code == 0 and first["added"] == 1 and first["embedded"] >= 1
    code, out, _ = run(capsys, "ingest", "--json", str(tmp_path / "note.txt"))
    assert json.loads(out) == {"files": 1, "added": 0, "unchanged": 1, "removed": 0, "embedded": 0, "errors": []}
    code, out, _ = run(capsys, "ingest", str(tmp_path / "note.txt"))
    assert "0 chunk(s) embedded" in out


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


@pytest.mark.parametrize(
    "args", [["sources"], ["sources", "--json"], ["ask", "When was the plan launched?"], ["--help"]], ids=" ".join
)
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    """``pressroom sources | head -1``: when the reader has closed the pipe, exit 0 and say nothing, as Unix tools do."""
    script = Path(sys.executable).parent / "pressroom"
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path / "home"), "PRESSROOM_MODEL": "hashing"}
    subprocess.run([str(script), "sources"], env=env, capture_output=True, check=True)  # first use done
    process = subprocess.Popen([str(script), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written: every write fails with EPIPE
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0 and err == "", err
    process.stderr.close()
