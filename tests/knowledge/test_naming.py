"""Which documents a question names, by file name or title, so that it is answered from them."""

from __future__ import annotations

from knowledge.naming import DocumentNames, names_of

LICENCES = DocumentNames(
    [
        ("apache-2.0", "Apache License, Version 2.0, January 2004"),
        ("bsd", "Copyright (c) The Regents of the University of California."),
        ("gpl-2", "GNU GENERAL PUBLIC LICENSE, Version 2, June 1991"),
        ("gpl-3", "GNU GENERAL PUBLIC LICENSE, Version 3, 29 June 2007"),
        ("lgpl-2.1", "GNU LESSER GENERAL PUBLIC LICENSE, Version 2.1, February 1999"),
        ("lgpl-3", "GNU LESSER GENERAL PUBLIC LICENSE, Version 3, 29 June 2007"),
        ("mpl-2.0", "Mozilla Public License Version 2.0"),
        ("cc0-1.0", "Creative Commons Legal Code"),
    ]
)


def test_names_come_from_the_file_name_and_the_title_initials() -> None:
    assert names_of("gpl-3", "GNU GENERAL PUBLIC LICENSE, Version 3, 29 June 2007") == {
        (frozenset({"gpl"}), frozenset({"3"})),
        (frozenset({"ggpl"}), frozenset({"3"})),
    }
    assert names_of("apache-2.0", "Apache License, Version 2.0") == {(frozenset({"apache"}), frozenset({"2"}))}
    assert names_of("2023", "Notes") == set()  # a number alone names nothing


def test_the_ways_users_write_a_licence_name() -> None:
    asked = {
        "In GPLv3, how long must the offer stay valid?": ["gpl-3"],
        "Under GPL-2, what must modified files carry?": ["gpl-2"],
        "In GPL version 2, who may add a limitation?": ["gpl-2"],
        "What does the GNU GPL version 3 say about patents?": ["gpl-3"],
        "Under the LGPL, version 2.1, may I relink?": ["lgpl-2.1"],
        "Is the LGPL 2.1 listed as a Secondary License in MPL 2.0?": ["lgpl-2.1", "mpl-2.0"],
        "Under the Apache License 2.0, what is a Contribution?": ["apache-2.0"],
        "Does the BSD licence allow it?": ["bsd"],
        "What does CC0 1.0 waive?": ["cc0-1.0"],
    }
    for question, sources in asked.items():
        assert LICENCES.named_in(question) == sources, question


def test_a_name_shared_by_two_documents_needs_its_number_and_another_number_names_nothing() -> None:
    assert LICENCES.named_in("Does the GPL allow selling copies?") == []  # two GPLs
    assert LICENCES.named_in("Does the LGPL allow static linking?") == []
    assert LICENCES.named_in("What changed in Apache License 1.1?") == []  # not the 2.0 that is indexed
    assert LICENCES.named_in("What does the Apache License say about trademarks?") == ["apache-2.0"]


def test_the_words_of_a_title_are_a_topic_not_a_name() -> None:
    release = DocumentNames(
        [("iom-mali-2023", "Mali Launches a National Action Plan to Combat Trafficking"), ("statement", "On the plan")]
    )
    assert release.named_in("When was the National Action Plan launched?") == []
    assert release.named_in("What does the NAP say about prevention?") == ["iom-mali-2023"]  # its initials, as written
    assert LICENCES.named_in("What does the Mozilla Public License say?") == []  # spelled out without its number
    assert LICENCES.named_in("What does the GNU General Public License version 3 say?") == ["gpl-3"]  # with it
    assert LICENCES.named_in("What does the Lesser General Public License, version 2.1, allow?") == ["lgpl-2.1"]


def test_a_name_is_written_with_a_capital_and_questions_naming_nothing_name_nothing() -> None:
    notes = DocumentNames([("plan", "Budget plan for 2024"), ("iom-mali-trafficking-2023", "Mali Launches a Plan")])
    assert notes.named_in("When was the plan launched?") == []  # a word of the question, not a file name
    assert notes.named_in("What does the Plan say about 2024?") == ["plan"]
    assert notes.named_in("What did IOM say about trafficking in Mali?") == []  # "trafficking" is not written as a name


def test_without_names_blanks_only_the_names() -> None:
    assert LICENCES.without_names("Under GPLv3, may I sell 2 copies?") == "Under      , may I sell 2 copies?"
    assert LICENCES.without_names("Is GPL version 2 compatible?") == "Is     version   compatible?"
    assert (
        LICENCES.without_names("Which treaty does GPLv3's section 3 cite?")
        == "Which treaty does         section 3 cite?"
    )
    assert LICENCES.without_names("What is a fee?") == "What is a fee?"


def test_a_large_index_is_checked_by_word_not_document_by_document() -> None:
    many = DocumentNames([(f"report-{number}", f"Report {number}") for number in range(5000)] + [("bsd", "BSD")])
    assert many.named_in("Does the BSD licence allow it?") == ["bsd"]
    assert many.named_in("What does Report 4321 say?") == ["report-4321"]


def test_a_name_that_other_documents_use_as_a_word_is_a_topic() -> None:
    """IOM.pdf is not named by "IOM" in a corpus where other documents speak of IOM; BSD is."""
    texts = {
        "iom": "IOM annual report.",
        "release": "IOM and UNODC supported the plan.",
        "bsd": "Redistribution is permitted.",
    }

    def used_elsewhere(words: frozenset[str], source: str) -> bool:
        return any(word in text.lower() for other, text in texts.items() if other != source for word in words)

    names = DocumentNames([("iom", "IOM"), ("release", "Plan launched"), ("bsd", "BSD")], used_elsewhere)
    assert names.named_in("What did IOM say about the plan?") == []
    assert names.named_in("Does the BSD licence permit it?") == ["bsd"]
    assert names.without_names("What did IOM say?") == "What did IOM say?"


def test_a_file_name_written_as_it_is_names_its_document_in_any_case() -> None:
    assert LICENCES.named_in("what does gpl-3 say about patents?") == ["gpl-3"]
    assert LICENCES.named_in("Is apache-2.0.txt permissive?") == ["apache-2.0"]
    assert LICENCES.named_in("in lgpl-2.1, may I relink?") == ["lgpl-2.1"]
    assert LICENCES.named_in("does the bsd licence allow it?") == []  # a plain word, written without a capital
    assert LICENCES.named_in("Compare gpl 3 with the others") == []  # not the file name as it is written
    words = DocumentNames([("e-mail", "Contacts"), ("2023", "Figures"), ("annual_report", "Report")])
    assert words.named_in("what e-mail address is given in 2023?") == []  # a word and a year, not file names
    assert words.named_in("what does annual_report say?") == ["annual_report"]
    assert LICENCES.without_names("what does gpl-3 say?") == "what does       say?"
    assert LICENCES.without_names("is mpl-2.0.txt copyleft?") == "is             copyleft?"
