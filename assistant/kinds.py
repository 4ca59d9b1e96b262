"""Whether a text holds the kind of answer a question asks for: a date for "when", a number for "how many".

>>> kind_strength("It was launched on 19 October 2023.", Expect.DATE, "When was it launched?")
1.0
"""

from __future__ import annotations

import re

from assistant.places import DESCRIBED_PLACE, places
from assistant.question import (
    ASKS_DURATION,
    ASKS_OFFICE,
    ASKS_SINCE,
    ASKS_WEEKDAY,
    Expect,
    abbreviation,
    asks_where,
    counted,
    focus_terms,
    role,
)
from knowledge import STOPWORDS, fold, stem, terms

_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*\d{{4}})?|"
    rf"(?:{_MONTHS})\s+\d{{4}}|(?:19|20)\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    rf"{_WEEKDAYS})\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    "thousand|million|billion|dozen|single|both|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille"
)
NUMBER = re.compile(rf"\b(?:\d+(?:[.,]\d+)*%?|(?:{_NUMBER_WORDS})(?:-\w+)?)\b", re.IGNORECASE)
MONEY = re.compile(
    r"(?:[$€£¥]\s?\d|\b\d[\d.,]*\s*(?:usd|eur|euros?|dollars?|francs?|cfa|xof|pounds?|million|billion|m|bn)\b|"
    r"\b(?:usd|eur|cfa|xof|us\$)\s?\d)",
    re.IGNORECASE,
)
# A capitalised name of two words or more, or a surname in capitals ("Mahamadou KASSOGUE", "UNODC").
NAME = re.compile(
    r"\b(?:[A-Z][\w’'-]+\s+(?:(?:de|van|von|da|del|du|of|the|and|for)\s+)*[A-Z][\w’'-]+|[A-Z]{2,}[\w-]*)\b"
)

PHONE = re.compile(r"(?:\+|\b)(?!\d{5}-\d{4}\b)\d[\d .()-]{6,}\d\b")  # not a ZIP+4 code ("MA 02110-1301")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
RELATIVE_DATE = re.compile(
    r"\b(?:as of|from|on|upon|until|after|before)\s+the\s+(?:date|day|time)\b|\bthe date (?:on which|that|when|of)\b",
    re.IGNORECASE,
)
FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})\b",
    re.IGNORECASE,
)

WEEKDAY = re.compile(rf"\b(?:{_WEEKDAYS})\b", re.IGNORECASE)
_SINCE = re.compile(
    rf"\b(?:since|depuis)\s+(?:(?:the\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+)?(?:19|20)\d{{2}}\b", re.IGNORECASE
)

# A first name and a surname in capitals ("Vanessa LEIGH"), or a name after a title or "said".
PERSON_NAME = re.compile(
    r"\b[A-Z][a-zé’'-]+\s+(?:(?:van|von|de|da|del|du|Van|De)\s+)?[A-Z]{2,}[A-Z’'-]*\b|"
    r"\b(?:said|says|added|highlighted|by|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Minister|Coordinator|Director)\s+"
    r"[A-Z][\w’'-]+\s+[A-Z][\w’'-]+"
)


# The parties legal and institutional texts name instead of people.
PARTY = re.compile(
    r"\b(?:(?:original|initial)\s+)?(?:copyright\s+holders?|copyright\s+owners?|licensors?|licensees?|contributors?|"
    r"authors?|university|foundation|steward|authorities|government|ministry|agency|committee)\b",
    re.IGNORECASE,
)


_OFFICE = frozenset(
    terms("chair chairman chairwoman chairperson head leader lead led direct director presides president dirige")
)


_HOLDER = frozenset(terms("copyright holder owner"))
_NOTICE = re.compile(r"\bcopyright\s*(?:\(c\)|©)", re.IGNORECASE)


def _novel(pattern: re.Pattern[str], text: str, question: str) -> list[str]:
    """Matches of ``pattern`` in ``text`` that the question does not already contain.

    An answer must add something: "When was the 2018-2022 plan adopted?" is not answered by "2018-2022".
    """
    asked = fold(question)
    found = (fold(match.group()).strip() for match in pattern.finditer(text))
    return [match for match in found if match not in asked and match not in STOPWORDS]


YEAR = re.compile(r"(?:19|20)\d{2}")


def kind_strength(text: str, kind: Expect, question: str = "") -> float:
    """How well ``text`` holds the kind asked for, beyond what the question says: 1 fully, 0 not.

    A bare year for "when" or an organisation for "who" is a partial answer (0.5); a number that
    does not count what a "how many" question counts is a weak one (0.25).

    >>> kind_strength("the four priority areas", Expect.NUMBER, "How many victims were found?")
    0.25
    >>> kind_strength("It was launched on 19 October 2023.", Expect.DATE, "When was it launched?")
    1.0
    """
    if kind is Expect.ANY:
        return 1.0
    if kind is Expect.EXPANSION:
        acronym = re.escape(abbreviation(question) or "")
        return 1.0 if acronym and re.search(rf"\(\s*{acronym}\s*\)|\b{acronym}\s*\(", text) else 0.0
    if kind is Expect.NUMBER:
        if ASKS_SINCE.search(fold(question)) and _SINCE.search(text):
            return 1.0  # "How long has IOM been present?" -- "since 1998"
        quantities = EMAIL.sub(" ", PHONE.sub(" ", text))  # the digits of a phone number count nothing
        numbers = [n for n in _novel(NUMBER, quantities, question) if not YEAR.fullmatch(n)]
        return _count_strength(text, question) if numbers else 0.0
    if kind is Expect.DATE:
        if ASKS_WEEKDAY.search(fold(question)):  # only a weekday answers it; a full date half does
            return 1.0 if _novel(WEEKDAY, text, question) else 0.5 if _novel(FULL_DATE, text, question) else 0.0
        if _novel(FULL_DATE, text, question):
            return 1.0
        # A year, a month, or a time told by an event ("as of the date such litigation is filed").
        return 0.5 if _dates_the_subject(text, question) or RELATIVE_DATE.search(text) else 0.0
    if kind is Expect.PERSON:
        asked_role = set(role(question))
        # "Who is the President?" is not answered by a sentence about a minister; a copyright notice
        # ("Copyright (c) The Regents of ...") names the copyright holder without the word.
        if not (asked_role <= set(terms(text)) or asked_role <= _HOLDER and _NOTICE.search(text)):
            return 0.0
        if ASKS_OFFICE.match(fold(question)) and not _OFFICE & set(terms(text)):
            return 0.0  # "Who chairs the committee?" is answered by a sentence about who chairs, heads or leads
        if _novel(PERSON_NAME, text, question):
            return 1.0
        # An organisation, or in legal text a party ("the original copyright holder"), answers some "who" questions.
        return 0.5 if _novel(NAME, text, question) or _novel(PARTY, text, question) else 0.0
    if kind is Expect.PLACE:
        if places(text, question):
            return 1.0
        # "Where may litigation be brought?" -- "in the courts of a jurisdiction where ...": a place
        # described, not named.
        return 0.5 if asks_where(fold(question)) and DESCRIBED_PLACE.search(text) else 0.0
    patterns = {Expect.PHONE: PHONE, Expect.EMAIL: EMAIL, Expect.MONEY: MONEY}
    return 1.0 if _novel(patterns[kind], text, question) else 0.0


# A capitalised name (with its small linking words) just before or just after a year: "the National
# Action Plan to Combat Trafficking in Persons 2023-2027", "the 2018-2022 National Action Plan".
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:(?:of|to|in|for|on|and|the)\s+)*)*[A-Z][\w’'-]*)\s+$")
_NAME_AFTER = re.compile(r"\s+([A-Z][\w’'-]*(?:\s+(?:(?:of|to|in|for|on|and|the)\s+)*[A-Z][\w’'-]*)*)")


def _dates_the_subject(text: str, question: str) -> bool:
    """Whether ``text`` holds a date (beyond the question's) that may date the question's subject.

    A year that belongs to the name of something the question does not ask about dates that thing:
    "When did the COMPASS initiative start?" is not answered by "the National Action Plan ... 2023-2027".

    >>> _dates_the_subject("It is part of the Plan to Combat Trafficking 2023-2027.", "When did COMPASS start?")
    False
    >>> _dates_the_subject("It is part of the Plan to Combat Trafficking 2023-2027.", "When does the plan end?")
    True
    >>> _dates_the_subject("The plan expires in 2022.", "When did COMPASS start?")
    True
    >>> _dates_the_subject("Copyright (C) 2007 Free Software Foundation, Inc.", "When was GPLv3 written?")
    True
    """
    novel = _novel(DATE, text, question)
    if any(not YEAR.fullmatch(date) for date in novel):
        return True  # a month or a day dates whatever the sentence tells
    focus = set(focus_terms(question))
    for match in _YEARS.finditer(text):
        if not set(YEAR.findall(match.group())) & set(novel):
            continue
        if _COPYRIGHT_BEFORE.search(text, 0, match.start()):
            return True  # "Copyright (C) 2007 Free Software Foundation": the year of the copyright, not of a name
        before = _NAME_BEFORE.search(text, 0, match.start())
        after = _NAME_AFTER.match(text, match.end())
        named = {term for found in (before, after) if found for term in terms(found.group(1))} - _MONTH_TERMS
        if not named or named & focus:
            return True
    return False


_COPYRIGHT_BEFORE = re.compile(r"(?:copyright|\(c\)|©)\s*$", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\b")
_MONTH_TERMS = frozenset(terms(f"{_MONTHS}|{_WEEKDAYS}".replace("|", " ")))

# What a duration counts.
_DURATION_UNITS = frozenset(
    stem(fold(word))
    for word in [
        "year",
        "month",
        "week",
        "day",
        "hour",
        "minute",
        "line",
        "page",
        "word",
        "character",
        "an",
        "ans",
        "année",
        "mois",
        "semaine",
        "jour",
        "heure",
        "ligne",
    ]
)


def _count_strength(text: str, question: str) -> float:
    thing = counted(question)
    units = {thing} if thing else _DURATION_UNITS if ASKS_DURATION.search(fold(question)) else None
    if units is None:
        return 1.0
    words = [(token, stem(token.rstrip(".,"))) for token in re.findall(r"[\w.,%]+", fold(text))]
    for index, (token, _) in enumerate(words):
        if NUMBER.fullmatch(token) and units & {stemmed for _, stemmed in words[index + 1 : index + 4]}:
            return 1.0
    return 0.25  # a number, but not a count of what was asked


def has_kind(text: str, kind: Expect) -> bool:
    """Whether ``text`` holds something of the kind asked for (a date, a number that is not a year, ...)."""
    return kind_strength(text, kind) > 0
