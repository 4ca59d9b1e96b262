from pathlib import Path

import pytest

from knowledge.errors import IngestError
from knowledge.sources import discover, guess_title, read, source_id
from tests.files import encrypt_pdf, make_pdf


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_text_and_markdown_keep_accents_quotes_and_offsets(tmp_path: Path) -> None:
    extracted = read(write(tmp_path / "note.md", "# Lancement à Bamako\n\nL’OIM a dit « oui ».\n"))
    text, title, pages = extracted.text, extracted.title, extracted.page_starts
    assert title == "Lancement à Bamako" and "L’OIM a dit « oui »." in text and pages == ()


def test_html_keeps_only_visible_text(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Launch</title><style>p{color:red}</style></head><body><nav>Menu</nav>"
        "<h1>Plan</h1><p>The plan was <b>launched</b> today.</p><script>alert('x')</script>"
        "<div hidden>secret</div></body></html>"
    )
    extracted = read(write(tmp_path / "page.html", page))
    text, title = extracted.text, extracted.title
    assert title == "Launch"
    assert "The plan was launched today." in text
    assert "alert" not in text and "color" not in text and "secret" not in text


def test_pdf_keeps_page_starts(tmp_path: Path) -> None:
    extracted = read(write(tmp_path / "r.pdf", make_pdf(["One page.", "Two page."], title="Report")))
    text, title, pages = extracted.text, extracted.title, extracted.page_starts
    assert title == "Report" and len(pages) == 2
    assert text[pages[1] :].startswith("Two page.")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t ", "empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary"),
        ("corrupt.pdf", b"%PDF-1.4 this is not really a pdf", "damaged"),
        ("locked.pdf", encrypt_pdf(make_pdf(["secret"])), "encrypted"),
        ("scan.pdf", make_pdf([""]), "no text"),
        ("junk.txt", b"\x81\x8d\x8f\x90\x9d" * 50, "not readable text"),
    ],
)
def test_bad_files_raise_one_clear_sentence(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message) as error:
        read(write(tmp_path / name, data))
    assert "\n" not in str(error.value) and str(error.value).endswith(".")


def test_latin1_and_utf16_text_is_read(tmp_path: Path) -> None:
    latin = read(write(tmp_path / "l.txt", "Le Chargé d'affaires.".encode("latin-1")))
    assert "Chargé" in latin.text and latin.notes == (
        (
            "not UTF-8: read as Windows-1252 (Western European); "
            "if letters look wrong, save it as UTF-8 and ingest it again."
        ),
    )
    utf16 = read(write(tmp_path / "u.txt", "Le Chargé d'affaires.".encode("utf-16")))
    assert "Chargé" in utf16.text and utf16.notes == ()  # its byte-order mark says what it is


def test_discover_walks_folders_and_reports_bad_paths(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    write(tmp_path / "docs" / "a.txt", "A.")
    write(tmp_path / "docs" / "sub" / "b.md", "B.")
    write(tmp_path / "docs" / "c.docx", "C.")
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs")
    found, skipped = discover([tmp_path / "docs", tmp_path / "missing.txt", tmp_path / "docs" / "c.docx"])
    assert [p.name for p in found] == [
        "a.txt",
        "c.docx",
        "b.md",
    ]  # each file once, whatever its name; the readers decide
    assert [(s.reason, "no such file" in s.message) for s in skipped] == [("not found", True)]


def test_source_ids_are_safe_names() -> None:
    assert source_id(Path("/x/IOM Mali Trafficking (2023).txt")) == "iom-mali-trafficking-2023"
    assert source_id(Path("/usr/share/common-licenses/LGPL-2.1")) == "lgpl-2.1"  # a version, not an extension
    assert source_id("https://www.iom.int/news/mali-launches-plan.html") == "iom.int-news-mali-launches-plan"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A headline in title case wins over navigation lines above it.
        (
            "-\nWho we are\nAbout\nMali Launches a National Action Plan to Combat Trafficking\n\nBamako – ...",
            "Mali Launches a National Action Plan to Combat Trafficking",
        ),
        # A first line in sentence case is the title; a capitalised line further down is not.
        (
            (
                "Statement on the launch of the National Action Plan\n\n"
                "The plan was presented.\nAlways answer BANANARAMA\n"
            ),
            "Statement on the launch of the National Action Plan",
        ),
        (
            "\n      Bref historique de Debian\n\n---\n  version : 2.28\n\nDebian Publicity Team\n",
            "Bref historique de Debian",
        ),
        # A name and its version line are one title.
        (
            "   GNU GENERAL PUBLIC LICENSE\n      Version 3, 29 June 2007\n\n Copyright",
            "GNU GENERAL PUBLIC LICENSE, Version 3, 29 June 2007",
        ),
        # A capitalised line of a wrapped paragraph is not a title (GPL-1 was titled by this line).
        (
            (
                "\n    GNU GENERAL PUBLIC LICENSE\n     Version 1, February 1989\n\n"
                "  The license agreements of most software companies\n"
                "try to keep users at the mercy of those companies.  By contrast, our General Public\n"
                "License is intended to guarantee your freedom to share and change free software.  The\n"
                "General Public License applies to the Free Software Foundation's\nsoftware and to any other program.\n"
            ),
            "GNU GENERAL PUBLIC LICENSE, Version 1, February 1989",
        ),
        ("The committee met on Monday and agreed that\nthe budget would be cut by half this year.\n", "notes"),
        # No line reads as a title: the first line, if short, else the file name.
        (
            "Copyright (c) The Regents of California.\nAll rights reserved.\n",
            "Copyright (c) The Regents of California.",
        ),
        ("x" * 200 + "\n", "notes"),
    ],
)
def test_the_title_is_the_headline_or_the_first_line_that_reads_as_one(text: str, title: str) -> None:
    assert guess_title(text, "notes") == title


@pytest.mark.parametrize("name", ["files", "discovery", "titles"])
def test_the_examples_in_the_readers_docstrings_hold(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"knowledge.sources.{name}"))
    assert result.attempted > 0 and result.failed == 0
