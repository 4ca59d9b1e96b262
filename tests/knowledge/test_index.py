"""The index with the hashing embedder and a real on-disk Chroma: fast, and the real storage code."""

from pathlib import Path

import pytest

import knowledge
from knowledge import Index, Settings
from knowledge.embedding import HashingEmbedder
from knowledge.errors import ConfigError, IndexEmptyError, IngestError, NotFoundError, QuestionError

NOTE = "Press note\nThe committee met in Dakar on 3 May 2024. It approved the budget of 2 million euros.\n"


def test_first_use_indexes_the_bundled_release(fake_index: Index) -> None:
    assert [s.source for s in fake_index.sources()] == ["iom-mali-trafficking-2023"]
    passages = fake_index.search("Who chaired the launch ceremony?", k=3)
    document = fake_index.get_document(passages[0].source)
    for passage in passages:
        assert document.text[passage.start : passage.end] == passage.text


def test_ingest_is_idempotent_and_a_changed_file_replaces_its_chunks(fake_index: Index, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(NOTE)
    first = fake_index.ingest([path])
    assert (first.files, first.added, first.embedded, first.errors) == (1, 1, 1, [])
    again = fake_index.ingest([path])
    assert (again.added, again.unchanged, again.embedded) == (0, 1, 0)

    path.write_text(NOTE.replace("Dakar", "Bamako"))
    changed = fake_index.ingest([path])
    assert changed.added == 1 and changed.embedded == 1
    assert "Bamako" in fake_index.get_document("note").text
    assert fake_index.store.chunk_ids("note") == {
        c.id for c in fake_index.search("committee Bamako", k=5) if c.source == "note"
    }
    assert fake_index.lexical.count() == fake_index.store.chunk_count()


def test_files_gone_from_an_ingested_folder_are_removed(fake_index: Index, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE)
    (folder / "b.txt").write_text(NOTE.replace("Dakar", "Accra"))
    assert fake_index.ingest([folder]).added == 2
    (folder / "b.txt").unlink()
    report = fake_index.ingest([folder])
    assert (report.unchanged, report.removed) == (1, 1)
    assert {s.source for s in fake_index.sources()} == {"iom-mali-trafficking-2023", "a"}


def test_bad_files_are_reported_and_good_ones_indexed(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(NOTE)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01" * 100)
    fake_index.ensure_default()
    before = fake_index.store.chunk_count()
    report = fake_index.ingest(
        [tmp_path / "good.txt", tmp_path / "empty.txt", tmp_path / "binary.txt", tmp_path / "nope.md"]
    )
    assert report.added == 1 and len(report.errors) == 3
    assert fake_index.store.chunk_count() == before + 1


def test_bad_files_leave_the_index_unchanged(fake_index: Index, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    fake_index.ensure_default()
    before = (fake_index.store.chunk_count(), [s.source for s in fake_index.sources()])
    fake_index.ingest([tmp_path / "empty.txt"])
    assert (fake_index.store.chunk_count(), [s.source for s in fake_index.sources()]) == before


def test_two_files_with_the_same_name_get_two_ids(fake_index: Index, tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "note.txt").write_text(NOTE.replace("Dakar", folder))
    fake_index.ingest([tmp_path / "x", tmp_path / "y"])
    assert {"note", "note-2"} <= {s.source for s in fake_index.sources()}
    assert fake_index.ingest([tmp_path / "x", tmp_path / "y"]).embedded == 0


def test_two_models_never_share_a_collection(pressroom_home: Path, tmp_path: Path) -> None:
    small = Index(Settings(home=pressroom_home, model="hashing"), embedder=HashingEmbedder(64))
    large = Index(Settings(home=pressroom_home, model="hashing"), embedder=HashingEmbedder(128))
    small.ensure_default()
    assert small.store._chunks.name != large.store._chunks.name
    assert large.search("launch", k=1)  # answers from the documents, embedded again with its own model
    assert small.store.chunk_count() > 0


def test_remove_and_reset(fake_index: Index) -> None:
    fake_index.ensure_default()
    with pytest.raises(NotFoundError, match="pressroom sources"):
        fake_index.remove("nope")
    assert fake_index.remove("iom-mali-trafficking-2023") > 0
    with pytest.raises(IndexEmptyError, match="pressroom ingest"):
        fake_index.search("When was the plan launched?")
    fake_index.reset()
    assert fake_index.sources() == [] and fake_index.lexical.count() == 0


def test_lexical_index_is_repaired_from_chroma(fake_index: Index) -> None:
    fake_index.ensure_default()
    fake_index.lexical.clear()
    del fake_index.lexical  # a new process, or one that crashed between the two writes
    assert fake_index.lexical.count() == fake_index.store.chunk_count() > 0


@pytest.mark.parametrize("question", ["", "   ", "x" * 100_000])
def test_bad_questions_raise_a_clear_error(fake_index: Index, question: str) -> None:
    with pytest.raises(QuestionError):
        fake_index.search(question)


@pytest.mark.parametrize("k", [0, -1, 51, 2.5, True])
def test_k_is_checked(fake_index: Index, k: object) -> None:
    with pytest.raises(ConfigError, match="k must be"):
        fake_index.search("launch", k=k)  # type: ignore[arg-type]


def test_ingest_without_paths(fake_index: Index) -> None:
    with pytest.raises(IngestError, match="No path"):
        fake_index.ingest([])


def test_public_api_uses_the_environment(use_fake_model: None, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    assert knowledge.ingest(tmp_path / "note.txt").added == 1
    assert knowledge.retrieve("committee Dakar", k=2)[0].source == "note"
    assert knowledge.get_document("note").title == "Press note"


def test_public_api_is_pinned() -> None:
    """The face other packages build on: a change here is a change to the contract (docs/ARCHITECTURE.md)."""
    assert sorted(knowledge.__all__) == sorted(
        [
            "CHUNKER_VERSION",
            "POOL",
            "STOPWORDS",
            "BusyError",
            "Chunk",
            "ConfigError",
            "Document",
            "Embedder",
            "Index",
            "IndexEmptyError",
            "IngestError",
            "IngestReport",
            "ModelError",
            "NotFoundError",
            "OnnxCrossEncoder",
            "Passage",
            "PressroomError",
            "Progress",
            "QuestionError",
            "Reranker",
            "Settings",
            "SourceInfo",
            "StoreError",
            "Unit",
            "brief",
            "bundled_folder",
            "bundled_path",
            "check_k",
            "check_question",
            "chunk_document",
            "default_home",
            "default_index",
            "detect_language",
            "discover",
            "embedding_text",
            "export_archive",
            "flowed",
            "fold",
            "forget_default_indexes",
            "forget_query_vectors",
            "get_document",
            "get_embedder",
            "import_archive",
            "ingest",
            "is_address",
            "language_at",
            "language_name",
            "on_model_thread",
            "pack_sentences",
            "passage_score",
            "read_archive",
            "redact_text",
            "redact_url",
            "remove",
            "reset",
            "retrieve",
            "scored_text",
            "sentence_spans",
            "sentences_of",
            "sha256_bytes",
            "sources",
            "stem",
            "terms",
            "units",
        ]
    )
    for name in knowledge.__all__:
        assert getattr(knowledge, name) is not None


def test_a_question_naming_a_document_is_answered_from_it(fake_index: Index, tmp_path: Path) -> None:
    """'Under GPLv3, ...' retrieves from gpl-3 only, though gpl-2 says nearly the same words."""
    (tmp_path / "gpl-2.txt").write_text(
        "GNU GENERAL PUBLIC LICENSE, Version 2\n\nYou may charge a fee for the physical act of transferring a copy.\n"
    )
    (tmp_path / "gpl-3.txt").write_text(
        "GNU GENERAL PUBLIC LICENSE, Version 3\n\nYou may charge any price or no price for each copy that you convey.\n"
    )
    fake_index.ingest([tmp_path / "gpl-2.txt", tmp_path / "gpl-3.txt"])
    assert {p.source for p in fake_index.search("Under GPLv3, may I charge a fee for a copy?", k=5)} == {"gpl-3"}
    assert {p.source for p in fake_index.search("In GNU GPL version 2, may I charge a fee?", k=5)} == {"gpl-2"}
    unnamed = {p.source for p in fake_index.search("May I charge a fee for a copy?", k=5)}
    assert {"gpl-2", "gpl-3"} <= unnamed
    assert fake_index.without_names("Under GPLv3, may I charge?") == "Under      , may I charge?"
    (tmp_path / "gpl-3.txt").unlink()
    fake_index.remove("gpl-3")  # names follow the index: a removed document is named no more
    assert fake_index.named_sources("Under GPLv3, may I charge a fee?") == []


def test_a_file_named_like_a_topic_of_other_documents_is_not_named_by_it(fake_index: Index, tmp_path: Path) -> None:
    """The bundled release speaks of IOM: "What did IOM say?" searches everything, not just IOM.txt."""
    (tmp_path / "IOM.txt").write_text("IOM notes\n\nThe office opened a new centre in Dakar.\n")
    fake_index.ingest([tmp_path / "IOM.txt"])
    assert fake_index.named_sources("What did IOM say about trafficking?") == []
    assert "iom-mali-trafficking-2023" in {
        p.source for p in fake_index.search("What did IOM say about trafficking?", k=5)
    }


def test_a_coined_name_is_a_name_even_when_its_pieces_are_words_elsewhere(fake_index: Index, tmp_path: Path) -> None:
    """CC0 names cc0-1.0.txt although another licence mentions CC-BY-SA (whose "cc" is a search term)."""
    (tmp_path / "cc0-1.0.txt").write_text("Creative Commons Legal Code\n\nThe Affirmer waives all copyright.\n")
    (tmp_path / "gfdl.txt").write_text("Free Documentation License\n\nYou may relicense it under CC-BY-SA 3.0.\n")
    fake_index.ingest([tmp_path / "cc0-1.0.txt", tmp_path / "gfdl.txt"])
    assert fake_index.named_sources("What does CC0 waive?") == ["cc0-1.0"]
