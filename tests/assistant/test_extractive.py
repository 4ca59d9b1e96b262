"""The extractive answerer's choices, on small hand-made passages with the hashing embedder."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from assistant.analysis import analyse
from assistant.extractive import ExtractiveAnswerer, Weights
from knowledge.embedding import HashingEmbedder
from knowledge.text import terms
from knowledge.types import Document, Passage

GPL2 = Document(
    "gpl-2",
    "GNU GPL version 2",
    "You may charge a fee for the physical act of transferring a copy of the program.",
    "gpl-2.txt",
)
GPL3 = Document(
    "gpl-3",
    "GNU GPL version 3",
    "You may charge any price or no price for each copy of the program that you convey.",
    "gpl-3.txt",
)
DOCUMENTS = {document.source: document for document in (GPL2, GPL3)}


def passage(document: Document, rank: int) -> Passage:
    return Passage(
        f"id-{document.source}", document.source, document.title, document.text, 0, len(document.text), 1.0 / (rank + 1)
    )


def frequencies(words: Iterable[str]) -> tuple[int, dict[str, int]]:
    return 2, {word: 1 for word in words}


def quoted(document: Document, question: str, weights: Weights) -> list[str]:
    """The texts the answer from ``document`` alone quotes."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: document, frequencies, weights)
    return [document.text[q.start : q.end] for q in answerer.answer(question, question, [passage(document, 0)]).quotes]


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
    for question in (
        "Who said that every stakeholder in the country was consulted?",
        "What did the consultations make it possible to define?",
    ):
        draft = answerer.answer(question, question, [passage(SPEECH, 0)])
        assert len(draft.quotes) == 1, (question, draft.text)
        quote = draft.quotes[0]
        assert SPEECH.text[quote.start : quote.end] == (
            "“We consulted every stakeholder in the country. "
            "This made it possible to define the strategic lines of the plan,” said Vanessa LEIGH, coordinator."
        )


def test_the_name_of_a_document_the_question_names_is_no_unknown_word() -> None:
    """'GPLv3' is not written in the GPL's text; it named the document, so it does not lower confidence."""
    known = set(terms(GPL3.text))

    def corpus_frequencies(words: Iterable[str]) -> tuple[int, dict[str, int]]:
        return 2, {word: 1 for word in words if word in known}

    question = "Under GPLv3, may you charge any price for each copy?"
    unnamed = lambda q: q.replace("GPLv3", "     ")
    assert analyse(question, question, corpus_frequencies).unknown > 0
    assert analyse(question, question, corpus_frequencies, unnamed).unknown == 0
    royalty = "Under GPLv3, may you charge a royalty?"
    assert analyse(royalty, royalty, corpus_frequencies, unnamed).unknown > 0  # "royalty" is still unknown


ARTISTIC = Document(
    "artistic",
    "Artistic",
    'The "Artistic License"\n\nYou may charge a reasonable copying fee for any distribution of this Package.\n',
    "artistic.txt",
)


def test_a_line_written_as_a_title_is_no_answer_to_a_plain_question() -> None:
    """'The "Artistic License"' names a topic; it is not quoted as the answer to what the licence says."""
    question = "What does the Artistic License say about a copying fee?"
    assert quoted(ARTISTIC, question, Weights(threshold=-1.0)) == [
        "You may charge a reasonable copying fee for any distribution of this Package."
    ]


INITIATIVES = Document(
    "initiatives",
    "Support",
    "The COMPASS and PROMIS initiatives were launched by IOM and UNODC. "
    "These two initiatives contribute to preventing trafficking in persons.",
    "initiatives.txt",
)


def test_a_sentence_that_refers_back_is_about_what_the_sentence_before_names() -> None:
    """'These two initiatives contribute to ...' answers what COMPASS and PROMIS contribute to."""
    question = "What do the COMPASS and PROMIS initiatives contribute to?"
    assert quoted(INITIATIVES, question, Weights(threshold=-1.0, second=1.0)) == [
        "These two initiatives contribute to preventing trafficking in persons."
    ]


DEFINITIONS = Document(
    "definitions",
    "Definitions",
    '1.6. "Executable Form"\n    means any form of the work other than Source Code Form.\n\n'
    '1.7. "Larger Work"\n    means a work that combines Covered Software with other material, '
    "in a separate file or files.\n",
    "definitions.txt",
)


@pytest.mark.parametrize("kind_question", [False, True])  # headings are candidates for a plain question only
def test_a_definition_counts_the_term_on_the_line_above_as_its_own_words(kind_question: bool) -> None:
    """'means a work that combines ...' defines "Larger Work", the line above, not "Executable Form"."""
    question = "Which work does the licence mean by a Larger Work?" if kind_question else "What is a Larger Work?"
    assert quoted(DEFINITIONS, question, Weights(meaning=0.0, threshold=-1.0, second=1.0)) == [
        "means a work that combines Covered Software with other material, in a separate file or files."
    ]


PLANS = Document(
    "plans",
    "Plans",
    "The new plan was drafted by a national sub-committee over several months. "
    "It takes over from the previous five-year plan, which expires in 2022.",
    "plans.txt",
)


def test_a_sentence_about_the_previous_subject_does_not_answer_for_the_new_one() -> None:
    """'How long will the new plan run?' is not answered by 'the previous five-year plan'; the reverse question is."""
    passages = [passage(PLANS, 0)]

    def scores(question: str, other_time: float) -> dict[str, float]:
        answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: PLANS, frequencies, Weights(other_time=other_time))
        candidates = answerer.candidates(passages)
        return {c.text: c.score for c in answerer.score(analyse(question, question, frequencies), candidates, passages)}

    new, previous = (PLANS.text[: PLANS.text.index(" It")], PLANS.text[PLANS.text.index("It") :])
    about_new, about_old = "How long will the new plan run?", "How long did the previous plan run?"
    for question, penalised, kept in ((about_new, previous, new), (about_old, new, previous)):
        without, with_penalty = scores(question, 0.0), scores(question, 0.15)
        assert without[penalised] - with_penalty[penalised] == pytest.approx(0.15)
        assert without[kept] == with_penalty[kept]
    assert quoted(PLANS, about_old, Weights(threshold=-1.0, second=1.0)) == [previous]


def test_a_defined_term_written_with_a_capital_does_not_refer_back() -> None:
    """'This License applies ...' names the licence; 'These two initiatives ...' points at the sentence before."""
    text = "You may copy the Program. This License applies to any program. These two rules stand."
    licence = Document("lic", "Licence", text, "lic.txt")
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: licence, frequencies)
    antecedents = {c.text: c.antecedent for c in answerer.candidates([passage(licence, 0)])}
    assert antecedents == {
        "You may copy the Program.": "",
        "This License applies to any program.": "",
        "These two rules stand.": "This License applies to any program.",
    }


FUNDING = Document(
    "funding",
    "Funding",
    "The Netherlands financed the COMPASS and PROMIS initiatives. UNODC has supported Mali throughout the process.",
    "funding.txt",
)


def test_a_second_quote_must_hold_the_questions_words_nearly_as_well_as_the_first() -> None:
    """A runner-up that reads close but holds none of the question's words is no second answer."""
    question = "Which country financed the COMPASS and PROMIS initiatives?"
    first = "The Netherlands financed the COMPASS and PROMIS initiatives."
    assert quoted(FUNDING, question, Weights(threshold=-1.0, second=0.0, lead=1.0)) == [
        first,
        FUNDING.text[len(first) + 1 :],
    ]
    assert quoted(FUNDING, question, Weights(threshold=-1.0, second=0.0, lead=0.2)) == [first]


CONTACTS = Document(
    "contacts",
    "Contacts",
    "For more information, please contact:\n"
    "IOM Mali Public Information Unit. E-mail: bquenum@iom.int, Tel.: +223 90 50 00 06\n"
    "UNODC Regional Office - Communication and Media Office. E-mail: aissata.ba@un.org, Tel: +223 74 18 62 31\n"
    "E-mail: info@example.org, Tel: +1 555 0100\n",
    "contacts.txt",
)


def test_a_field_of_a_contact_line_belongs_to_the_name_that_opens_the_line() -> None:
    """'E-mail: bquenum@iom.int' is the Public Information Unit's address; a field on a line of its own has no owner."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: CONTACTS, frequencies)
    antecedents = {c.text: c.antecedent for c in answerer.candidates([passage(CONTACTS, 0)], headings=True)}
    assert antecedents["E-mail: bquenum@iom.int, Tel.: +223 90 50 00 06"] == "IOM Mali Public Information Unit."
    assert antecedents["E-mail: aissata.ba@un.org, Tel: +223 74 18 62 31"].startswith("UNODC Regional Office")
    assert antecedents["E-mail: info@example.org, Tel: +1 555 0100"] == ""


def test_who_owns_a_contact_is_answered_with_the_name_that_opens_its_line() -> None:
    """ "Who do I reach at aissata.ba@un.org?": the office that opens the line, quoted with the address as one span."""
    question = "Who do I reach if I write to aissata.ba@un.org?"
    assert quoted(CONTACTS, question, Weights(threshold=-1.0, second=1.0)) == [
        "UNODC Regional Office - Communication and Media Office. E-mail: aissata.ba@un.org, Tel: +223 74 18 62 31"
    ]
    question = "What e-mail address is given for IOM Mali's Public Information Unit?"
    assert quoted(CONTACTS, question, Weights()) == ["E-mail: bquenum@iom.int, Tel.: +223 90 50 00 06"]
    question = "What is the phone number of the UNODC Media Office?"
    assert quoted(CONTACTS, question, Weights()) == ["E-mail: aissata.ba@un.org, Tel: +223 74 18 62 31"]


OFFER = Document(
    "offer",
    "GPL",
    "You may convey object code. Convey it with a written offer, valid for at least three years, to give any third "
    "party the source. Nothing else is required.",
    "offer.txt",
)


def test_a_sentence_the_chunker_cut_belongs_to_the_passage_holding_most_of_it() -> None:
    """A chunk boundary inside a long sentence does not hide it from the answerer, nor quote it twice."""
    cut = OFFER.text.index("to give any third")
    first = Passage("id-1", "offer", "GPL", OFFER.text[:cut], 0, cut, 1.0)
    second = Passage("id-2", "offer", "GPL", OFFER.text[cut:], cut, len(OFFER.text), 0.5)
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: OFFER, frequencies)
    texts = [c.text for c in answerer.candidates([first, second])]
    offer = "Convey it with a written offer, valid for at least three years, to give any third party the source."
    assert texts.count(offer) == 1
    question = "For how long must the written offer stay valid?"
    assert answerer.answer(question, question, [first]).text.startswith(offer)


def test_a_contact_belongs_to_the_one_the_question_names() -> None:
    """The Dutch Embassy's phone is not UNODC's; the IOM office's phone is the IOM line's alone."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: CONTACTS, frequencies, Weights(threshold=-1.0))
    question = "What phone number should journalists call to reach the Dutch Embassy in Mali?"
    draft = answerer.answer(question, question, [passage(CONTACTS, 0)])
    assert draft.abstained and "belongs to what the question names" in draft.notes[0]
    question = "Which phone number reaches the IOM press office?"
    assert quoted(CONTACTS, question, Weights(threshold=-1.0, second=0.0)) == [
        "E-mail: bquenum@iom.int, Tel.: +223 90 50 00 06"
    ]
    question = "Which phone number should I call?"  # no name: any contact answers
    assert not answerer.answer(question, question, [passage(CONTACTS, 0)]).abstained


BOXED = Document(
    "boxed",
    "A licence with a boxed disclaimer",
    "Terms that come before the box, written as one ordinary paragraph of text.\n\n"
    "****************************************\n"
    "*                                      *\n"
    "*  Covered Software is provided on an  *\n"
    '*  "as is" basis, without warranty.    *\n'
    "*                                      *\n"
    "****************************************\n",
    "boxed.txt",
)


def test_a_boxed_sentence_is_quoted_whole_and_answered_without_its_frame() -> None:
    """The quote is the exact stored text across the box's lines; the answer reads it as one line."""
    answerer = ExtractiveAnswerer(HashingEmbedder(), lambda p: BOXED, frequencies, Weights(second=2.0, threshold=-1.0))
    question = "On what basis is Covered Software provided?"
    draft = answerer.answer(question, question, [passage(BOXED, 0)])
    [quote] = draft.quotes
    assert (
        BOXED.text[quote.start : quote.end]
        == 'Covered Software is provided on an  *\n*  "as is" basis, without warranty.'
    )
    assert draft.text == 'Covered Software is provided on an "as is" basis, without warranty. [1]'
