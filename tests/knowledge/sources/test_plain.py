"""Text by content, not by name: encodings, what is binary, and the note when an encoding was guessed."""

from __future__ import annotations

import doctest
import importlib
import random
from pathlib import Path

import pytest

from knowledge.errors import IngestError
from knowledge.sources import plain, read
from knowledge.sources.plain import decode_text

_RNG = random.Random(3)
NOISE = bytes(_RNG.randrange(1, 256) for _ in range(8192))  # random bytes without a NUL
FRENCH = "Bulletin d'été\n\nLe comité s'est réuni à Kayes le 3 août 2022 pour préparer l'été.\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name", ["LICENSE", "README", "COPYING", "notes.log", "release.text", "report.2024", "data.csv"]
)
def test_a_text_file_of_any_name_is_read_as_text(tmp_path: Path, name: str) -> None:
    extracted = read(write(tmp_path / name, b"Harvest Notes\n\nThe harvest council met in Segou on 3 June 2021.\n"))
    assert extracted.text.startswith("Harvest Notes") and extracted.title == "Harvest Notes" and extracted.notes == ()


@pytest.mark.parametrize(
    ("name", "data", "reason", "says"),
    [
        ("photo", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary", "looks like a binary file"),
        ("program", NOISE, "binary", "looks like a binary file"),
        ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00" + bytes(200), "unsupported format", "ZIP archive"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "unsupported format", "old Office file"),
        ("letter.rtf", b"{\\rtf1\\ansi Dear committee}", "unsupported format", "Rich Text"),
    ],
)
def test_binary_files_of_any_name_are_refused_in_one_line(
    tmp_path: Path, name: str, data: bytes, reason: str, says: str
) -> None:
    with pytest.raises(IngestError, match=says) as raised:
        read(write(tmp_path / name, data))
    assert raised.value.reason == reason and "\n" not in str(raised.value) and str(raised.value).endswith(".")


def test_a_large_binary_file_without_extension_is_called_binary_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = importlib.import_module("knowledge.sources.files")  # knowledge.sources is also a function's name
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    with pytest.raises(IngestError, match="binary") as raised:
        read(write(tmp_path / "video", bytes(5000)))
    assert raised.value.reason == "binary"
    with pytest.raises(IngestError, match="larger than") as raised:
        read(write(tmp_path / "log", b"a line of text\n" * 500))
    assert raised.value.reason == "too large"


def test_a_pdf_or_docx_without_its_extension_is_recognised(tmp_path: Path) -> None:
    from tests.files import make_docx, make_pdf

    assert read(write(tmp_path / "brief", make_pdf(["Wells were dug."], title="Water Brief"))).title == "Water Brief"
    assert "Wells were dug." in read(write(tmp_path / "memo", make_docx(["Wells were dug."], title="Memo"))).text


def test_invalid_utf8_is_read_and_the_encoding_assumed_is_said(tmp_path: Path) -> None:
    """Issue 20: bytes that are not UTF-8 were read silently as Windows-1252."""
    extracted = read(write(tmp_path / "bulletin.txt", FRENCH.encode("cp1252")))
    assert extracted.text == FRENCH
    assert extracted.notes == (
        (
            "not UTF-8: read as Windows-1252 (Western European); "
            "if letters look wrong, save it as UTF-8 and ingest it again."
        ),
    )


def test_utf8_with_a_few_stray_bytes_keeps_its_letters_and_says_what_was_replaced(tmp_path: Path) -> None:
    data = (FRENCH * 3).encode() + b"Stray \xff byte.\n"
    extracted = read(write(tmp_path / "mixed.txt", data))
    assert "réuni à Kayes" in extracted.text and "Stray \ufffd byte." in extracted.text
    assert extracted.notes == (
        "1 byte is not valid UTF-8 and was replaced with �; save it as UTF-8 and ingest it again to keep them.",
    )


def test_another_script_is_recognised(tmp_path: Path) -> None:
    russian = "Министерство юстиции Мали объявило о новом национальном плане действий.\n" * 3
    extracted = read(write(tmp_path / "communique.txt", russian.encode("cp1251")))
    assert extracted.text == russian and "read as cp1251" in extracted.notes[0]


def test_a_declared_charset_is_used_and_a_wrong_one_ignored() -> None:
    assert decode_text(Path("p.html"), FRENCH.encode("latin-1"), "ISO-8859-1").text == FRENCH
    assert decode_text(Path("p.html"), FRENCH.encode(), "no-such-charset").text == FRENCH


def test_colour_codes_in_a_log_do_not_make_it_binary(tmp_path: Path) -> None:
    log = "".join(f"2024-05-0{n} 10:00 \x1b[32mOK\x1b[0m pump {n} checked\n" for n in range(1, 9)).encode()
    assert "pump 8 checked" in read(write(tmp_path / "pumps.log", log)).text


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(plain).failed == 0
