"""A process that stays up (the chat) while other processes write to the same ``PRESSROOM_HOME``.

Chroma's local client keeps what it first read of a collection's vector index for the life of
the process: without care, the chat never finds by meaning a document that ``pressroom ingest``
added after it started, and once it has looked at an empty index (after ``pressroom reset``)
every later search fails ("Nothing found on disk") when someone fills it again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import Index, IndexEmptyError
from tests.reliability.conftest import json_of, make_corpus, open_index, pressroom

QUESTION = "When did the committee meet about the budget?"


def test_a_running_reader_finds_by_meaning_what_another_process_added(fake_index: Index, tmp_path: Path) -> None:
    home = fake_index.settings.home
    fake_index.search(QUESTION)  # the vector index of the release is read, and kept
    make_corpus(tmp_path / "notes", files=3, seed=6)
    json_of(pressroom("ingest", "--json", str(tmp_path / "notes"), home=home))
    fake_index.search(QUESTION)  # sees the change (the store's revision), as every search does
    dense = fake_index.store.query(fake_index.embed_query(QUESTION), n=100)
    assert len(dense) == fake_index.store.chunk_count()  # every chunk, the new ones too
    assert {chunk.source for chunk, _ in dense} == {"iom-mali-trafficking-2023", "note-000", "note-001", "note-002"}


def test_a_running_reader_searches_again_after_a_reset_and_an_ingest_elsewhere(
    fake_index: Index, tmp_path: Path
) -> None:
    home = fake_index.settings.home
    fake_index.search(QUESTION)
    json_of(pressroom("sources", "--json", home=home))
    assert pressroom("reset", "--yes", home=home).returncode == 0
    with pytest.raises(IndexEmptyError):  # the index is empty: a sentence for people
        fake_index.search(QUESTION)
    make_corpus(tmp_path / "notes", files=2, seed=7)
    json_of(pressroom("ingest", "--json", str(tmp_path / "notes"), home=home))
    found = fake_index.search(QUESTION, k=10)  # was: InternalError, "Nothing found on disk", for ever
    assert found and {passage.source for passage in found} <= {"note-000", "note-001"}
    assert len(fake_index.store.query(fake_index.embed_query(QUESTION), n=100)) == open_index(home).store.chunk_count()


def test_each_change_elsewhere_replaces_the_readers_chroma_system_and_stops_the_old_one(
    fake_index: Index, tmp_path: Path
) -> None:
    """A reader that stays up must not keep every system it replaced (and their vector indexes) in memory."""
    fake_index.search(QUESTION)
    systems = [fake_index.store._system]
    for round_ in range(3):
        (tmp_path / f"note-{round_}.txt").write_text(
            f"Note {round_}\n\nThe committee met about the budget on {round_ + 1} May 2024.\n"
        )
        json_of(pressroom("ingest", "--json", str(tmp_path / f"note-{round_}.txt"), home=fake_index.settings.home))
        fake_index.search(QUESTION)
        systems.append(fake_index.store._system)
    assert len({id(system) for system in systems}) == 4  # one new system per change seen
    assert [system._running for system in systems] == [False, False, False, True]
    fake_index.search(QUESTION)  # nothing changed since: the same system
    assert fake_index.store._system is systems[-1]
