"""The documents panel: uploads through Index.ingest, replacement by name, removal, messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import Index
from tests.files import make_pdf
from tests.ui.conftest import WATER_REPORT
from ui.library import Library, progress_reporter, safe_file_name


@pytest.fixture
def library(fake_index: Index) -> Library:
    fake_index.ensure_default()
    return Library(fake_index)


def test_upload_is_copied_home_and_indexed_with_progress(
    library: Library, write_file: Callable[[str, str], Path]
) -> None:
    upload = write_file("kayes-water.txt", WATER_REPORT)
    stages: list[tuple[str, int, int]] = []

    outcome = library.add([upload], progress=lambda stage, done, total: stages.append((stage, done, total)))

    assert outcome.ok, outcome.message
    assert outcome.message.startswith("Added “Rainwater Harvesting Pilot in Kayes Region”:")
    stored = library.index.get_document("kayes-water")
    assert Path(stored.path) == library.uploads / "kayes-water.txt"
    assert ("read", 1, 1) in stages and any(stage == "embed" for stage, _, _ in stages)
    assert "Rainwater Harvesting Pilot" in library.table() and "2 documents" in library.summary()
    assert ("Rainwater Harvesting Pilot in Kayes Region (kayes-water)", "kayes-water") in library.choices()


def test_same_name_replaces_and_unchanged_is_said(library: Library, write_file: Callable[[str, str], Path]) -> None:
    library.add([write_file("memo.txt", "Memo One\n\nThe budget was approved on Monday.\n")])
    again = library.add([write_file("memo.txt", "Memo One\n\nThe budget was approved on Monday.\n")])
    changed = library.add([write_file("memo.txt", "Memo Two\n\nThe budget was rejected on Friday.\n")])

    assert "already indexed, unchanged" in again.message
    assert "Added “Memo Two”" in changed.message
    assert [s.source for s in library.sources()].count("memo") == 1
    assert "rejected" in library.index.get_document("memo").text


def test_pdf_upload_is_read_like_the_cli_does(library: Library, tmp_path: Path) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(
        make_pdf(["Country Brief On Water Access", "Wells were dug in twelve villages."], title="Water Brief")
    )

    outcome = library.add([pdf])

    assert outcome.ok and "“Water Brief”" in outcome.message
    assert library.index.get_document("brief").page_starts[1] > 0


def test_unsupported_and_unreadable_files_are_explained(
    library: Library, write_file: Callable[[str, str], Path], tmp_path: Path
) -> None:
    photo = tmp_path / "photo"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    refused = library.add([photo])
    damaged = library.add([write_file("notes.docx", "not really a Word file")])
    empty = library.add([write_file("empty.txt", "   ")])
    mixed = library.add([photo, write_file("kayes-water.txt", WATER_REPORT)])

    assert not refused.ok and refused.message.startswith("Not added: photo: looks like a binary file, not text;")
    assert not damaged.ok and damaged.message.startswith("Not added: notes.docx: the Word document is damaged")
    assert not empty.ok and empty.message.startswith("Not added: empty.txt: the file is empty")
    assert mixed.ok and "Added" in mixed.message and "Not added: photo:" in mixed.message
    assert sorted(p.name for p in library.uploads.iterdir()) == ["kayes-water.txt"]  # refused copies are not kept
    assert not library.add([]).ok and not library.add(None).ok


def test_remove_drops_the_document_and_its_uploaded_copy(
    library: Library, write_file: Callable[[str, str], Path]
) -> None:
    library.add([write_file("kayes-water.txt", WATER_REPORT)])
    copy = library.uploads / "kayes-water.txt"

    outcome = library.remove("kayes-water")

    assert outcome.ok and outcome.message.startswith("Removed “Rainwater Harvesting Pilot in Kayes Region”")
    assert not copy.exists() and "kayes-water" not in [s.source for s in library.sources()]
    gone = library.remove("kayes-water")
    assert not gone.ok and "No document 'kayes-water' is indexed" in gone.message
    assert library.remove(None).message == "Choose a document to remove."


def test_removing_a_file_pressroom_does_not_own_leaves_it_alone(
    library: Library, write_file: Callable[[str, str], Path]
) -> None:
    outside = write_file("outside.txt", WATER_REPORT)
    library.index.ingest([outside])

    assert library.remove("outside").ok
    assert outside.exists()


@pytest.mark.parametrize(
    "name, safe",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\a\\Report.PDF", "Report.PDF"),
        ("...", "document.txt"),
        ("a<b>.md", "a_b_.md"),
    ],
)
def test_safe_file_name(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_progress_reporter_speaks_gradio_progress() -> None:
    calls: list[tuple[object, str]] = []

    progress_reporter(lambda value, desc: calls.append((value, desc)))("embed", 3, 0)

    assert calls == [((3, 1), "Indexing passages")]


def test_a_file_without_an_extension_is_added(library: Library, write_file: Callable[[str, str], Path]) -> None:
    """Issue 18: uploading LICENSE gave a red toast and a drop zone stuck on "Error"."""
    outcome = library.add(
        [write_file("LICENSE", "Licence Of The Harvest Data\n\nThe data may be shared by every cooperative.\n")]
    )

    assert outcome.ok and outcome.message.startswith("Added “Licence Of The Harvest Data”:")
    assert library.index.get_document("license").path == str(library.uploads / "LICENSE")


def test_an_upload_of_a_text_already_indexed_is_not_stored_twice(
    library: Library, write_file: Callable[[str, str], Path]
) -> None:
    library.index.ingest([write_file("kayes-water.txt", WATER_REPORT)])

    outcome = library.add([write_file("copy of the report.txt", WATER_REPORT)])

    assert (
        outcome.ok
        and outcome.message
        == "copy of the report.txt: same text as kayes-water; it stays one document, under that name."
    )
    assert [s.source for s in library.sources()].count("kayes-water") == 1 and not (
        library.uploads / "copy of the report.txt"
    ).exists()


def test_a_refused_upload_keeps_the_earlier_file_of_that_name(
    library: Library, write_file: Callable[[str, str], Path], tmp_path: Path
) -> None:
    library.add([write_file("memo.txt", "Memo One\n\nThe budget was approved on Monday.\n")])
    broken = tmp_path / "broken" / "memo.txt"
    broken.parent.mkdir()
    broken.write_bytes(bytes(range(256)))

    outcome = library.add([broken])

    assert not outcome.ok and outcome.message.startswith("Not added: memo.txt: looks like a binary file")
    assert (library.uploads / "memo.txt").read_text() == "Memo One\n\nThe budget was approved on Monday.\n"
    assert "approved on Monday" in library.index.get_document("memo").text
    assert sorted(p.name for p in library.uploads.iterdir()) == ["memo.txt"]


def test_a_web_page_is_added_by_address(library: Library) -> None:
    from tests.fake_http import serve_pages
    from tests.files import release_page

    with serve_pages({"/news/plan": (200, "text/html", release_page().encode())}) as base:
        added = library.add_address(f"  {base}/news/plan  ")
        again = library.add_address(f"{base}/news/plan")
        missing = library.add_address(f"{base}/gone")

    assert added.ok and added.message.startswith("Added “Mali Launches a National Action Plan")
    assert again.ok and again.message == "1 file was already indexed, unchanged."
    assert (
        not missing.ok
        and missing.message == f"Not added: {base}/gone: the page was not found (HTTP 404); check the address."
    )
    assert f"{base}/news/plan" in library.table()  # the address is shown beside the document's id
    assert library.add_address("").message == "Type the address of a web page (https://...) to add it."
    assert library.add_address("www.example.org").message.endswith("type one that starts with https:// or http://.")
