"""A folder of hostile and broken files, generated here: ingesting it reports each bad file in one
line, indexes every good one, and never crashes, hangs or runs out of memory."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge import Index
from tests.files import encrypt_pdf, make_pdf
from tests.reliability.conftest import PRESSROOM, open_index

GOOD_TEXT = "Quarterly Water Report\n\nThe water committee met in Mopti on 4 May 2024. It approved twelve new wells.\n"


@dataclass(frozen=True)
class Expect:
    """What ingesting a file must do: be indexed (``contains`` is in its stored text) or be reported
    (``says`` is in its error)."""

    indexed: bool
    fragment: str


def indexed(contains: str) -> Expect:
    return Expect(True, contains)


def reported(says: str) -> Expect:
    return Expect(False, says)


def build_hostile_folder(folder: Path, seed: int = 1) -> dict[Path, Expect]:
    """Every kind of file the issue lists, and a few more; returns what each must do."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    made: dict[Path, Expect] = {}

    def write(name: str, data: bytes | str, expect: Expect) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        made[path] = expect
        return path

    write("empty.txt", b"", reported("the file is empty"))
    write("whitespace only.md", b"  \n\t \r\n   \n", reported("the file is empty"))
    sentence = "The harvest council met in Segou on 3 June 2021 to plan the season. "
    write("huge.txt", ("Huge Log Dump\n\n" + sentence * (50 * 2**20 // len(sentence) + 1)).encode()[: 50 * 2**20],
          reported("million characters of text"))  # fmt: skip
    write("binary.txt", bytes(rng.randrange(256) for _ in range(65536)), reported("looks like a binary file"))
    write(
        "invalid utf-8.txt",
        GOOD_TEXT.encode() + b"Stray bytes \xff\xc3\x28 from an old editor.\n",
        indexed("twelve new wells"),
    )
    bulletin = "Niamey Bulletin\n\nThe school council met in Niamey on 2 March 2023.\n"
    write("utf16 bom.txt", ("\ufeff" + bulletin).encode("utf-16-le"), indexed("The school council met in Niamey"))
    write(
        "latin1 été.txt",
        "Bulletin d'été\n\nLe comité s'est réuni à Kayes le 3 août 2022 pour l'été.\n".encode("latin-1"),
        indexed("réuni à Kayes le 3 août"),
    )
    write(
        "scripts only.html",
        "<html><head><style>body{color:red}</style><script>alert('x')</script></head>"
        "<body><script>document.write('hidden')</script><noscript>no</noscript></body></html>",
        reported("no readable text"),
    )
    write(
        "corrupt.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage \x00\x01\x02 endobj\n%%EOF",
        reported("damaged or not a PDF"),
    )
    write(
        "encrypted.pdf",
        encrypt_pdf(make_pdf(["The secret plan was approved in Gao."]), "s3cret"),
        reported("encrypted"),
    )
    write("no text layer.pdf", make_pdf([""]), reported("no text layer"))
    write(
        "good.pdf",
        make_pdf(["The market road in Sikasso was opened on 9 July 2020."], title="Road Notice"),
        indexed("market road in Sikasso"),
    )
    body = " ".join(f"The clinic in Gao served {n} patients on day {n} of the campaign." for n in range(4000))
    write(
        "one long line.txt", "Clinic Campaign Figures " + body, indexed("served 3999 patients")
    )  # 300 KB, no line break
    blob = "".join(rng.choice("ABCDEFGH0123456789+/") for _ in range(150_000))
    write("no spaces.txt", "Blob Export\n\n" + blob + ". End of export.\n", indexed("End of export"))
    write(
        "nul bytes late.txt",
        GOOD_TEXT + "x" * 9000 + "\n\x00\x00The drill team reached water at 40 metres.\x00\n",
        indexed("reached water at 40 metres"),
    )
    write("nul bytes early.txt", b"\x00\x00" + GOOD_TEXT.encode(), reported("looks like a binary file"))
    write(
        "Rapport annuel été 2024 — final.txt",
        "Rapport Annuel De La Coopérative\n\nLa coopérative de Ségou a vendu 300 tonnes de riz.\n",
        indexed("vendu 300 tonnes de riz"),
    )
    write(
        "日本語 レポート.md",
        "# Field Notes From Tombouctou\n\nThe library in Tombouctou restored 80 manuscripts in 2019.\n",
        indexed("restored 80 manuscripts"),
    )
    write(
        "  spaced   name .txt",
        "Spaced Name Notice\n\nThe border post at Gao reopened on 1 May 2018.\n",
        indexed("border post at Gao reopened"),
    )
    write(
        "SHOUTING.TXT",
        "Upper Case Extension Notice\n\nThe ferry at Mopti resumed service on 5 April 2017.\n",
        indexed("ferry at Mopti resumed"),
    )
    write("newline\nin name.txt", b"", reported("the file is empty"))
    deep = "/".join(f"level{n}" for n in range(40))
    write(
        f"{deep}/deep note.txt",
        "Deep Folder Notice\n\nThe survey of Kayes counted 14 villages.\n",
        indexed("counted 14 villages"),
    )
    write(".hidden.txt", GOOD_TEXT, indexed(""))  # hidden files and folders are skipped silently: see below
    del made[folder / ".hidden.txt"]
    write(".git/config", GOOD_TEXT.replace("Quarterly", "Hidden"), indexed(""))
    del made[folder / ".git" / "config"]
    write("damaged.docx", b"PK\x03\x04 not a Word document", reported("the Word document is damaged"))
    write("old word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), reported("old Word (.doc) file"))
    write("slides.pptx", b"PK\x03\x04\x14\x00" + bytes(rng.randrange(256) for _ in range(300)), reported("ZIP archive"))
    write(
        "LICENSE",
        "Licence Of The Harvest Data\n\nThe data may be shared by every cooperative in Mopti.\n",
        indexed("shared by every cooperative"),
    )
    write(
        "notes.log",
        "2024-05-04 10:00 the pump in Gao was repaired\n\x1b[31mERROR\x1b[0m the meter in Gao stopped\n",
        indexed("pump in Gao was repaired"),
    )
    write("photo", bytes(rng.randrange(256) for _ in range(4096)), reported("looks like a binary file"))

    loop = folder / "loop"
    write(
        "loop/inside the loop.txt",
        "Loop Notice\n\nThe well in Segou was dug on 2 February 2016.\n",
        indexed("well in Segou was dug"),
    )
    (loop / "again").symlink_to("..", target_is_directory=True)  # walking it would never end
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    made[folder / "dangling.txt"] = reported("which does not exist; fix or remove the link")
    (folder / "self loop.txt").symlink_to(
        "self loop.txt"
    )  # Path.resolve raised RuntimeError on it, and stopped the ingest
    made[folder / "self loop.txt"] = reported("loops back on itself")
    odd = folder / os.fsdecode(b"latin-1 name \xe9t\xe9.txt")  # a name that is not UTF-8 (an old Latin-1 disk)
    odd.write_text("Odd Name Notice\n\nThe odd file was written on 3 May 2020.\n")
    made[odd] = reported("name is not valid UTF-8")
    os.mkfifo(folder / "named pipe.txt")  # opening it for reading would wait forever for a writer
    made[folder / "named pipe.txt"] = reported("is not a regular file")
    return made


def name_in(path: Path, message: str) -> bool:
    """Whether the error names the file (a symbolic link is named by what it points to)."""
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")  # how a name that is not UTF-8 is written
    return any(str(p) in message for p in (path, os.path.realpath(path), shown))  # Path.resolve raises on a link loop


@pytest.mark.slow
def test_ingesting_the_hostile_folder_reports_each_bad_file_and_indexes_every_good_one(tmp_path: Path) -> None:
    folder, home = tmp_path / "hostile", tmp_path / "home"
    expected = build_hostile_folder(folder)
    good = {path for path, expect in expected.items() if expect.indexed}
    bad = {path for path, expect in expected.items() if not expect.indexed}

    # Peak memory of the ingest, measured by a parent that waits for it and nothing else.
    measure = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    env = {**os.environ, "PRESSROOM_HOME": str(home), "PRESSROOM_MODEL": "hashing"}
    run = subprocess.run(
        [sys.executable, "-c", measure, str(PRESSROOM), "ingest", "--json", str(folder)],
        check=False,  # the ingest's code comes back on stdout, with its peak memory
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    peak_kb, code = (int(x) for x in run.stdout.strip().splitlines()[-1].split())
    report = json.loads("\n".join(run.stdout.strip().splitlines()[:-1]))
    assert code == 0 and "Traceback" not in run.stderr, run.stderr
    print(f"peak RSS of the ingest: {peak_kb // 1024} MB")
    assert peak_kb < 600_000, f"the ingest peaked at {peak_kb // 1024} MB"

    errors: list[str] = report["errors"]
    assert report["added"] == len(good) and len(errors) == len(bad), errors
    for path in bad:
        mine = [error for error in errors if name_in(path, error)]
        assert len(mine) == 1, (path, errors)
        assert expected[path].fragment in mine[0], (path, mine[0])
    for error in errors:
        assert error.rstrip().endswith(".") and error.count(". ") <= 2 and "Traceback" not in error, error

    index = open_index(home)
    stored = {Path(item.path): item.source for item in index.sources()}
    for path in good:
        source = stored.get(path.resolve())
        assert source is not None, f"{path.name} was not indexed"
        assert expected[path].fragment in index.get_document(source).text
        assert "\x00" not in index.get_document(source).text
    assert len(stored) == len(good) + 1  # and the release; the loop's file once, hidden files not at all
    skipped = {entry["path"]: entry["reason"] for entry in report["skipped"]}
    assert len(skipped) == len(bad) and skipped[str((folder / "photo").resolve())] == "binary", skipped
    assert (
        skipped[str((folder / "slides.pptx").resolve())] == "unsupported format"
        and skipped[str((folder / "huge.txt").resolve())] == "too large"
    )

    # Without --json, each bad file is one line on stderr (the newline in a name is written \n).
    again = subprocess.run(
        [str(PRESSROOM), "ingest", str(folder)], check=False, env=env, capture_output=True, text=True, timeout=300
    )
    lines = again.stderr.splitlines()
    assert again.returncode == 0 and len(lines) == len(bad) and all(line.startswith("skipped: ") for line in lines), (
        again.stderr
    )
    assert f"{len(bad)} skipped" in again.stdout.splitlines()[0]


def test_a_file_that_disappears_or_cannot_be_read_during_ingest_is_reported(
    fake_index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("stays.txt", "vanishes.txt", "locked.txt"):
        (folder / name).write_text(GOOD_TEXT.replace("Quarterly", name.split(".")[0].title()))
    import knowledge.writer as index_module

    discover = index_module.discover

    def discover_then_delete(paths):  # type: ignore[no-untyped-def]
        found, errors = discover(paths)
        (folder / "vanishes.txt").unlink()  # gone between the folder walk and the read
        return found, errors

    monkeypatch.setattr(index_module, "discover", discover_then_delete)
    (folder / "locked.txt").chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the kernel's answer the one an ordinary user gets
        real_open = os.open

        def denied(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path).endswith("locked.txt"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    report = fake_index.ingest([folder])
    monkeypatch.undo()
    assert report.added == 1
    assert sorted(report.errors) == sorted(
        [
            f"{(folder / 'locked.txt').resolve()}: permission denied; make the file readable and ingest it again.",
            f"{(folder / 'vanishes.txt').resolve()}: the file disappeared while it was being read; ingest it again.",
        ]
    )
    assert [s.source for s in fake_index.sources()] == ["iom-mali-trafficking-2023", "stays"]


def test_the_size_limits_are_checked_before_reading_and_after_extracting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import import_module

    from knowledge.errors import IngestError

    sources = import_module("knowledge.sources")  # the package's ``sources()`` function hides the module
    files = import_module("knowledge.sources.files")

    path = tmp_path / "big.txt"
    path.write_text(GOOD_TEXT * 10)
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    with pytest.raises(IngestError, match="larger than 0 MB"):
        sources.read(path)
    monkeypatch.setattr(files, "MAX_BYTES", 10**9)
    monkeypatch.setattr(sources, "MAX_TEXT", 100)
    with pytest.raises(IngestError, match="more than Pressroom indexes from one file"):
        sources.read(path)
