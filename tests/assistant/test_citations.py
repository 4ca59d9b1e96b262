from assistant.answerer import Draft, Quote
from assistant.citations import cite, verify
from knowledge.types import Document

DOC = Document("d", "Doc", "Alpha one. Beta two. Gamma three.", "d.txt")


def documents(source: str) -> Document:
    return DOC


def test_citations_quote_the_stored_text_and_are_renumbered() -> None:
    draft = Draft("Beta two. [2] Gamma three. [5]", (Quote(2, "d", 11, 20), Quote(5, "d", 21, 33)))
    text, citations, _ = cite(draft, documents)
    assert text == "Beta two. [1] Gamma three. [2]"
    assert [c.quote for c in citations] == ["Beta two.", "Gamma three."]
    assert all(verify(c, DOC) for c in citations)


def test_quotes_that_cannot_be_checked_are_dropped_with_their_marker() -> None:
    draft = Draft("Beta two [1] and more [2].", (Quote(1, "d", 11, 20), Quote(2, "d", 30, 999)))
    text, citations, notes = cite(draft, documents)
    assert text == "Beta two [1] and more." and len(citations) == 1
    assert any("dropped [2]" in note for note in notes)
