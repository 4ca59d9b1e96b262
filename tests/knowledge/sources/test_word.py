"""Word documents: paragraphs and headings in order, tables as rows, exact offsets, one line for a bad file."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from knowledge import Index
from knowledge.errors import IngestError
from knowledge.sources import read, word
from tests.files import make_docx

PARAGRAPHS = [
    "Bamako, 19 October 2023 – The Minister of Justice launched the National Action Plan.",
    "The plan covers prevention, protection, prosecution and partnerships.",
    "For more information, contact the IOM Mali Public Information Unit.",
]
TABLE = [["Year", "Victims assisted", "Region"], ["2022", "312", "Kayes"], ["2023", "487", "Mopti"]]


def release_docx(tmp_path: Path, **options: object) -> Path:
    path = tmp_path / "release.docx"
    path.write_bytes(
        make_docx(
            PARAGRAPHS, headings={0: "Mali Launches a National Action Plan", 2: "Contacts"}, table=TABLE, **options
        )
    )  # type: ignore[arg-type]
    return path


def test_paragraphs_headings_and_table_rows_are_kept_in_order(tmp_path: Path) -> None:
    extracted = read(release_docx(tmp_path))

    assert extracted.text.splitlines() == [
        "Mali Launches a National Action Plan", PARAGRAPHS[0], PARAGRAPHS[1], "", "Contacts", PARAGRAPHS[2],
        "Year | Victims assisted | Region", "2022 | 312 | Kayes", "2023 | 487 | Mopti",
    ]  # fmt: skip
    assert extracted.title == "Mali Launches a National Action Plan" and extracted.page_starts == ()


def test_the_document_title_property_wins(tmp_path: Path) -> None:
    assert read(release_docx(tmp_path, title="Press Release 42")).title == "Press Release 42"


def test_a_docx_is_answerable_with_exact_offsets(fake_index: Index, tmp_path: Path) -> None:
    report = fake_index.ingest([release_docx(tmp_path)])

    assert report.added == 1 and report.skipped == []
    document = fake_index.get_document("release")
    passages = fake_index.search("How many victims were assisted in Mopti in 2023?", k=5)
    assert any("2023 | 487 | Mopti" in p.text for p in passages if p.source == "release")
    for passage in passages:
        if passage.source == "release":
            assert document.text[passage.start : passage.end] == passage.text


@pytest.mark.parametrize(
    ("data", "reason", "says"),
    [
        (b"PK\x03\x04 this is not a Word document", "damaged", "the Word document is damaged or not a .docx file"),
        (b"just some text, saved with the wrong name", "damaged", "the Word document is damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "unsupported format", "old Word (.doc) file"),
    ],
)
def test_a_bad_docx_is_one_clear_line_and_leaves_the_index_unchanged(
    fake_index: Index, tmp_path: Path, data: bytes, reason: str, says: str
) -> None:
    (tmp_path / "bad.docx").write_bytes(data)
    fake_index.ensure_default()
    before = (fake_index.store.chunk_count(), [s.source for s in fake_index.sources()])

    report = fake_index.ingest([tmp_path / "bad.docx"])

    assert [(s.reason, says in s.message) for s in report.skipped] == [(reason, True)]
    assert "\n" not in report.errors[0] and report.errors[0].endswith(".")
    assert (fake_index.store.chunk_count(), [s.source for s in fake_index.sources()]) == before


def test_a_docx_that_unpacks_to_too_much_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.import_module("knowledge.sources.word"), "MAX_XML_BYTES", 1000)
    with pytest.raises(IngestError, match="unpacks to more than") as raised:
        read(release_docx(tmp_path))
    assert raised.value.reason == "too large"


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(word).failed == 0
