"""The tolerant answer matcher and the support locator."""

import pytest

from evals.matching import answer_matches, contains_support, normalize, support_spans


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("Mahamadou KASSOGUE chaired it.", "Kassogue"),  # case
        ("Chargé d’Affaires a.i.", "Charge d'Affaires"),  # accents and curly apostrophes
        ("drafted by a subcommittee", "sub-committee"),  # hyphen joined
        ("drafted by a sub-committee", "sub committee"),  # hyphen as a space
        ("the 2023–2027 plan", "2023-2027"),  # en dash against hyphen
        (
            "prevention, protection, prosecution, and partnerships",
            "prevention, protection, prosecution and partnerships",
        ),
        ("prevention,\n  protection", "prevention protection"),  # white space and line breaks
        ("Launched on Thursday 19 October 2023 in Bamako.", "October 19, 2023"),
        ("Launched on October 19, 2023.", "19 October 2023"),
        ("Launched on 19/10/2023.", "19 October 2023"),
        ("Launched on 2023-10-19.", "19/10/2023"),
        ("Launched on the 19th of October 2023.", "19 October 2023"),
        ("Launched on 19 Oct. 2023.", "19 October 2023"),
        ("Version 3, 29 June 2007", "June 2007"),  # month and year of a full date
        ("E-mail: bquenum@iom.int [1]", "bquenum@iom.int"),
        ("Tel.: +223 90 50 00 06", "90 50 00 06"),
        ("ownership of fifty percent (50%) or more", "50% or more"),
        ("the capacity of West African countries", "West Africa"),  # demonym
        ("set up by the Malian authorities", "Mali"),
        ("not as drafts", "draft"),  # plural
        ("installed in ROMs", "ROM"),
    ],
)
def test_accepted_answers_match_despite_form(answer: str, accepted: str) -> None:
    assert answer_matches(answer, [accepted])


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("Data taken from the archive.", "ROM"),  # whole words only
        ("over a computer network", "two"),
        ("Launched on 19 October 2023.", "20 October 2023"),
        ("Launched on 10/19/2023.", "19 October 2023"),  # month-first numeric dates are not read as dates
        ("the previous five-year plan", "five years"),
        ("the fourth area", "four"),  # an ordinal is not a plural
        ("a Roman numeral", "ROM"),  # short words take no demonym ending
        ("over 1000 copies", "100"),  # numbers take no ending at all
        ("five years", "five year old"),
        ("nothing relevant", "Bamako"),
    ],
)
def test_different_answers_do_not_match(answer: str, accepted: str) -> None:
    assert not answer_matches(answer, [accepted])


def test_any_accepted_answer_is_enough_and_markers_are_ignored() -> None:
    assert answer_matches("IOM [1] and UNODC [2]", ["UNODC and IOM", "IOM and UNODC"])
    assert not answer_matches("anything", [])


def test_normalize_gives_one_form_for_every_date_format() -> None:
    forms = {normalize(text) for text in ("19 October 2023", "October 19, 2023", "19/10/2023", "19.10.2023")}
    assert forms == {"date20231019 october 2023"}
    assert normalize("31/02/2023") == "31 02 2023", "an impossible date stays as written"
    assert normalize("Á-bc  DÉF!") == "a bc def"


def test_support_is_found_across_hard_line_breaks() -> None:
    document = "Copyright (C) 2007 Free Software Foundation, Inc.\n Everyone is permitted to copy\n   and distribute"
    assert contains_support(document, "permitted to copy and distribute")
    assert not contains_support(document, "permitted to copy and modify")
    spans = support_spans(document, "permitted to copy and distribute")
    assert len(spans) == 1 and document[spans[0][0] : spans[0][1]].startswith("permitted")
    assert document[slice(*spans[0])].endswith("distribute")


def test_support_spans_lists_every_occurrence() -> None:
    assert support_spans("a plan. a  plan.", "a plan") == [(0, 6), (8, 15)]
    assert support_spans("text", "   ") == []
