"""Sentence vectors computed at ingest: exact, stored with their chunks, and read by the answerer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import ask, get_answerer
from knowledge import Index, Settings
from knowledge.chunking import chunk_document, embedding_parts, embedding_text, sentences_of
from knowledge.embedding import Embedder, HashingEmbedder, PassageText
from knowledge.sentence_vectors import pack_sentences, unpack_sentences
from knowledge.types import Document


def test_each_part_gets_the_models_own_vector_and_passages_pool_their_parts(real_embedder: Embedder) -> None:
    passages = [
        PassageText(
            "Release\nThe plan was launched. It runs to 2027.",
            ("Release", "The plan was launched.", "It runs to 2027."),
        ),
        PassageText(
            "Release\nIt runs to 2027. Funding came from the EU.",
            ("Release", "It runs to 2027.", "Funding came from the EU."),
        ),
    ]
    vectors, parts = real_embedder.embed_passages(passages)

    assert set(parts) == {"Release", "The plan was launched.", "It runs to 2027.", "Funding came from the EU."}
    for part, expected in zip(parts, real_embedder.embed_batch(list(parts))):
        assert np.dot(parts[part], expected) > 0.9999  # the vector the model gives the sentence alone
    for vector in vectors:
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    whole = real_embedder.embed_batch([passages[0].text])[0]
    assert np.dot(vectors[0], whole) > 0.7  # same meaning as the passage encoded whole
    assert np.dot(vectors[0], vectors[1]) < 0.99  # passages with different sentences differ


def test_models_that_cannot_pool_embed_passages_whole() -> None:
    embedder = HashingEmbedder()
    passages = [PassageText("Title\nOne sentence here.", ("Title", "One sentence here."))]
    vectors, parts = embedder.embed_passages(passages)
    assert parts == {}
    assert vectors == embedder.embed_documents(["Title\nOne sentence here."])


def test_packed_sentence_vectors_round_trip_and_damage_reads_as_none() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((4, 384))
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    spans = [(0, 20), (21, 80), (81, 90), (1_000_000, 1_000_400)]
    packed = pack_sentences({span: row.tolist() for span, row in zip(spans, matrix)})
    assert packed.isascii()
    unpacked = unpack_sentences(packed)
    assert list(unpacked) == spans
    for span, row in zip(spans, matrix):
        assert np.dot(unpacked[span], row) > 0.999
    assert unpack_sentences(packed[: len(packed) // 2]) == {}
    assert unpack_sentences("not base64 at all!") == {}
    assert pack_sentences({}) == ""


def test_parts_are_the_embedded_text_in_pieces() -> None:
    text = (
        "Title line here\n\nBackground\n\nThe plan was launched in Bamako. It runs to 2027. Funding came from the EU."
    )
    document = Document("doc", "A release", text, "doc.txt")
    chunks = chunk_document(document, max_chars=60)
    for chunk, units in zip(chunks, sentences_of(document, chunks)):
        sentences = [text[u.start : u.end] for u in units]
        parts = embedding_parts(chunk, sentences)
        assert sentences and all(chunk.start <= u.start and u.end <= chunk.end for u in units)
        assert "".join(parts).replace(" ", "") == embedding_text(chunk).replace("\n", "").replace(" ", "")


def test_ingest_stores_sentence_vectors_and_answers_embed_only_the_question(
    real_index: Index, real_embedder: Embedder
) -> None:
    real_index.ensure_default()
    chunks = list(real_index.store.iter_chunks())
    document = real_index.get_document(chunks[0].source)
    for chunk in chunks:
        vectors = unpack_sentences(chunk.sentence_vectors)
        assert vectors, chunk.text[:60]
        assert all(chunk.start <= start < end <= chunk.end for start, end in vectors)
    start, end = next(iter(unpack_sentences(chunks[1].sentence_vectors)))
    alone = real_embedder.embed_batch([document.text[start:end]])[0]
    assert np.dot(unpack_sentences(chunks[1].sentence_vectors)[(start, end)], alone) > 0.999

    answerer = get_answerer(real_index, "extractive")
    embedded: list[str] = []
    real_batch = real_index.embedder.embed_batch
    real_index.embedder.embed_batch = lambda texts: embedded.extend(texts) or real_batch(texts)  # type: ignore[method-assign]
    answer = ask("When was the national action plan launched?", index=real_index)
    assert "19 October 2023" in answer.text and not answer.abstained
    assert embedded == [] and answerer._vectors == {}  # the question's vector is cached from retrieval


def test_a_store_without_sentence_vectors_still_answers(pressroom_home: Path, tmp_path: Path) -> None:
    """Chunks written by an older version (or by an embedder that gives none) are read sentence by sentence."""
    index = Index(Settings(home=pressroom_home, model="hashing"), embedder=HashingEmbedder())
    index.ensure_default()
    assert all(not chunk.sentence_vectors for chunk in index.store.iter_chunks())
    answer = ask("When was the plan launched?", index=index)
    assert answer.citations
    assert get_answerer(index, "extractive")._vectors  # embedded here instead
