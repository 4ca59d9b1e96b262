import itertools

import pytest

from knowledge.chunking import chunk_document
from knowledge.errors import ConfigError
from knowledge.sources import read
from knowledge.types import Document
from tests.conftest import RELEASE


def release() -> Document:
    extracted = read(RELEASE)
    text, title, pages, sha = extracted.text, extracted.title, extracted.page_starts, extracted.sha256
    return Document("iom-mali-trafficking-2023", title, text, str(RELEASE), sha, pages)


def test_every_chunk_is_the_exact_document_text_at_its_offsets() -> None:
    document = release()
    chunks = chunk_document(document)
    assert len(chunks) > 5
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.source == document.source and chunk.title == document.title


def test_chunks_end_at_sentence_boundaries_and_overlap_by_one_sentence() -> None:
    chunks = chunk_document(release())
    news = [c for c in chunks if c.heading.startswith("Mali Launches")]
    assert len(news) > 4
    pairs = list(itertools.pairwise(news))
    for before, after in pairs:
        assert before.text.rstrip().endswith((".", "”", ":", "06")), before.text[-30:]
        assert after.start <= before.end + 2, "no text falls between two chunks"
    # The last sentence is repeated unless it is too long to share a chunk with the next one.
    assert sum(after.start < before.end for before, after in pairs) >= len(pairs) - 2


def test_navigation_is_not_glued_to_the_news() -> None:
    chunks = chunk_document(release())
    launch = next(c for c in chunks if "chaired the official launch ceremony" in c.text)
    assert "Who we are" not in launch.text and "IOM Global" not in launch.text and "2030 Agenda" not in launch.text
    assert launch.heading.startswith("Mali Launches a National Action Plan")


def test_a_sentence_longer_than_a_chunk_is_cut_at_white_space() -> None:
    text = "word " * 1000
    document = Document("long", "Long", text, "long.txt")
    chunks = chunk_document(document, max_chars=300)
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_pdf_pages_are_kept_on_chunks() -> None:
    text = "First page sentence.\n\f\nSecond page sentence."
    document = Document("p", "P", text, "p.pdf", page_starts=(0, 23))
    pages = {c.text.splitlines()[-1]: c.page for c in chunk_document(document, max_chars=25)}
    assert pages["Second page sentence."] == 2


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="max_chars"):
        chunk_document(release(), max_chars=0)
