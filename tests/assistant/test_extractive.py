"""The extractive answerer's choices, on small hand-made passages with the hashing embedder."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.extractive import ExtractiveAnswerer, Weights
from knowledge.embedding import HashingEmbedder
from knowledge.types import Document, Passage

GPL2 = Document("gpl-2", "GNU GPL version 2", "You may charge a fee for the physical act of transferring a copy of the program.", "gpl-2.txt")
GPL3 = Document("gpl-3", "GNU GPL version 3", "You may charge any price or no price for each copy of the program that you convey.", "gpl-3.txt")
DOCUMENTS = {document.source: document for document in (GPL2, GPL3)}


def passage(document: Document, rank: int) -> Passage:
    return Passage(f"id-{document.source}", document.source, document.title, document.text, 0, len(document.text), 1.0 / (rank + 1))


def frequencies(words: Iterable[str]) -> tuple[int, dict[str, int]]:
    return 2, {word: 1 for word in words}


def test_a_second_quote_never_comes_from_another_document() -> None:
    """Two licences saying nearly the same thing: the answer quotes one, not a mix of both."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: DOCUMENTS[p.source], frequencies, Weights(second=0.0))
    question = "May you charge a fee for a copy of the program?"
    draft = answerer.answer(question, question, [passage(GPL2, 0), passage(GPL3, 1)])
    assert not draft.abstained
    assert len({quote.source for quote in draft.quotes}) == 1


SPEECH = Document(
    "speech",
    "Launch of the plan",
    "The plan was launched in Bamako. “We consulted every stakeholder in the country. "
    "This made it possible to define the strategic lines of the plan,” said Vanessa LEIGH, coordinator. "
    "Funding came from the Netherlands.",
    "speech.txt",
)


def test_a_quotation_is_quoted_with_its_speaker_as_one_span() -> None:
    """An opening sentence and the adjacent one naming the speaker form one statement: one quote, not two."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: SPEECH, frequencies, Weights(second=0.0, threshold=-1.0))
    for question in ("Who said that every stakeholder in the country was consulted?", "What did the consultations make it possible to define?"):
        draft = answerer.answer(question, question, [passage(SPEECH, 0)])
        assert len(draft.quotes) == 1, (question, draft.text)
        quote = draft.quotes[0]
        assert SPEECH.text[quote.start : quote.end] == (
            "“We consulted every stakeholder in the country. "
            "This made it possible to define the strategic lines of the plan,” said Vanessa LEIGH, coordinator."
        )
