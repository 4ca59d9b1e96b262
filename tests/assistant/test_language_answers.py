"""French questions: the kind of answer they ask for, and extractive answers quoted from text in another language."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.question import Expect, abbreviation, expected
from knowledge import Index, Settings
from knowledge.embedding import Embedder, HashingEmbedder


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Quand le plan a-t-il été lancé ?", Expect.DATE),
        ("À quelle date Debian 2.1 est-elle sortie ?", Expect.DATE),
        ("Qui a présidé la cérémonie ?", Expect.PERSON),
        ("Quel ministre a présidé le lancement ?", Expect.PERSON),
        ("Combien de paquets contenait Debian 1.1 ?", Expect.NUMBER),
        ("Quel âge avait-il ?", Expect.NUMBER),
        ("Où le plan a-t-il été lancé ?", Expect.PLACE),
        ("Dans quelle ville s'est tenue la première DebConf ?", Expect.PLACE),
        ("Quel pays finance les initiatives ?", Expect.PLACE),
        ("Que signifie le sigle ONUDC ?", Expect.EXPANSION),
        ("Que veut dire l’acronyme CNCLTP/PA ?", Expect.EXPANSION),
        ("How old was he?", Expect.NUMBER),
    ],
)
def test_french_questions_ask_for_the_same_kinds_as_english_ones(question: str, kind: Expect) -> None:
    assert expected(question) is kind


def test_the_acronym_of_a_french_question_is_found() -> None:
    assert abbreviation("Que signifie le sigle ONUDC ?") == "ONUDC"
    assert abbreviation("Le sigle PROMIS signifie quoi ?") == "PROMIS"


ENGLISH = "The plan was launched in Bamako on Thursday 19 October 2023."
FRENCH_QUESTION = "Quand le plan d’action a-t-il été lancé ?"


class TranslatingEmbedder(Embedder):
    """Gives the French question the vector of its English answer, as a multilingual model would."""

    name = "translating"

    def __init__(self) -> None:
        self.hashing = HashingEmbedder()

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        return self.hashing.embed_batch([ENGLISH if FRENCH_QUESTION in text else text for text in texts])


def test_a_sentence_in_another_language_is_judged_by_its_meaning_not_its_words(tmp_path: Path) -> None:
    from assistant import ask

    path = tmp_path / "release.txt"
    path.write_text(
        f"Mali launches a plan\n\n{ENGLISH} The minister thanked the partners for their support.\n", encoding="utf-8"
    )
    index = Index(Settings(home=tmp_path / "home", model="translating"), embedder=TranslatingEmbedder())
    index.reset()
    index.ingest([path])  # no French word is indexed: only the meaning can match
    answer = ask(FRENCH_QUESTION, index=index)
    assert not answer.abstained, answer.notes
    assert ENGLISH in answer.text  # quoted as written, in English
    citation = answer.citations[0]
    assert index.get_document(citation.source).text[citation.start : citation.end] == citation.quote
    assert (answer.language, citation.language) == ("fr", "en")


def test_similarity_is_cosine_for_models_without_a_floor() -> None:
    embedder = HashingEmbedder()
    a, b = embedder.embed_batch(["the plan was launched", "the minister spoke"])
    assert embedder.similarity(a, b) == pytest.approx(sum(x * y for x, y in zip(a, b)))
    embedder.similarity_floor = 0.5
    assert embedder.similarity(a, a) == pytest.approx(1.0)
    assert embedder.similarity([1.0, 0.0], [0.5, 0.0]) == pytest.approx(0.0)
