"""One text, one document: the same text under another name or path is stored once."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge import Index
from ui.library import Library

LICENCE = Path(__file__).resolve().parents[2] / "evals" / "data" / "licenses" / "apache-2.0.txt"
NOTE = "Press note\nThe committee met in Dakar on 3 May 2024. It approved the budget of 2 million euros.\n"


def sources(index: Index) -> list[str]:
    return sorted(s.source for s in index.sources())


def test_the_same_text_under_two_names_is_one_document(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    shutil.copyfile(LICENCE, tmp_path / "a" / "apache-2.0.txt")
    shutil.copyfile(LICENCE, tmp_path / "a" / "LICENSE")

    report = fake_index.ingest([tmp_path / "a"])

    # Files are read in name order: LICENSE first, so its name is the document's.
    note = {
        "path": str(tmp_path / "a" / "apache-2.0.txt"),
        "note": "same text as license; it stays one document, under that name.",
    }
    assert (report.added, report.duplicates, report.read) == (1, 1, 2)
    assert sources(fake_index) == ["iom-mali-trafficking-2023", "license"]
    assert report.as_dict()["notes"] == [note]
    assert fake_index.ingest([tmp_path / "a"]).as_dict() == {
        "files": 2, "added": 0, "unchanged": 1, "removed": 0, "embedded": 0, "errors": [], "duplicates": 1,
        "skipped": [], "notes": [note],
    }  # fmt: skip


def test_an_upload_then_the_same_file_from_the_command_line_is_one_document(fake_index: Index, tmp_path: Path) -> None:
    """Issue 18: the chat's apache-2.0 and the CLI's Apache-2.0 became apache-2.0 and apache-2.0-2."""
    fake_index.ensure_default()
    assert Library(fake_index).add([LICENCE]).ok
    (tmp_path / "common-licenses").mkdir()
    shutil.copyfile(LICENCE, tmp_path / "common-licenses" / "Apache-2.0")

    report = fake_index.ingest([tmp_path / "common-licenses"])

    assert (report.added, report.duplicates, report.embedded) == (0, 1, 0)
    assert report.notes[0].note == "same text as apache-2.0; it stays one document, under that name."
    assert sources(fake_index) == ["apache-2.0", "iom-mali-trafficking-2023"]
    assert fake_index.named_sources("Under the Apache License, may I sublicense?") == ["apache-2.0"]


def test_a_changed_file_replaces_its_own_document(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    fake_index.ingest([tmp_path / "note.txt"])
    (tmp_path / "note.txt").write_text(NOTE.replace("Dakar", "Accra"))

    report = fake_index.ingest([tmp_path / "note.txt"])

    assert (report.added, report.duplicates) == (1, 0) and "Accra" in fake_index.get_document("note").text


def test_a_renamed_file_keeps_its_document_and_nothing_is_embedded_again(fake_index: Index, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.txt").write_text(NOTE)
    fake_index.ingest([folder])
    (folder / "draft.txt").rename(folder / "final.txt")

    report = fake_index.ingest([folder])

    assert (report.added, report.removed, report.embedded) == (1, 0, 0)
    assert "whose file" in report.notes[0].note and "is gone: the document now points here." in report.notes[0].note
    assert sources(fake_index) == ["draft", "iom-mali-trafficking-2023"]
    assert fake_index.get_document("draft").path == str(folder / "final.txt")
    assert fake_index.lexical.count() == fake_index.store.chunk_count()


def test_a_file_changed_to_the_text_of_another_document_gives_up_its_own(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NOTE)
    (tmp_path / "b.txt").write_text(NOTE.replace("Dakar", "Accra"))
    fake_index.ingest([tmp_path / "a.txt", tmp_path / "b.txt"])
    (tmp_path / "b.txt").write_text(NOTE)

    report = fake_index.ingest([tmp_path / "b.txt"])

    assert (report.added, report.duplicates, report.removed) == (0, 1, 1)
    assert sources(fake_index) == ["a", "iom-mali-trafficking-2023"]
    assert fake_index.lexical.count() == fake_index.store.chunk_count()
