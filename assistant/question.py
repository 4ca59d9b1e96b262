"""What a question asks for: the kind of answer it expects, and the words that must be matched.

Also the rule-based rewrite of a follow-up ("Who chaired it?") into a standalone question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from knowledge.text import fold, terms


class Expect(Enum):
    """The kind of answer a question asks for."""

    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERSON = "person"
    PLACE = "place"
    ANY = "any"


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*\d{{4}})?|"
    rf"(?:{_MONTHS})\s+\d{{4}}|(?:19|20)\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi)\b",
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
NAME = re.compile(r"\b(?:[A-Z][\w’'-]+\s+(?:(?:de|van|von|da|del|du|of|the|and|for)\s+)*[A-Z][\w’'-]+|[A-Z]{2,}[\w-]*)\b")
PLACE = re.compile(r"\b(?:in|at|from|to|à|au|en)\s+(?:the\s+)?[A-Z][\w’'-]+")


def expected(question: str) -> Expect:
    """The kind of answer: "When ..." wants a date, "How many ..." a number, "Who ..." a name."""
    q = fold(question)
    if re.search(r"\b(how much|combien)\b", q) and re.search(
        r"\b(money|fund\w*|cost\w*|budget|amount|pay\w*|paid|spen[dt]\w*|financ\w*|contribut\w*|dollars?|euros?|grant\w*|argent|montant)\b",
        q,
    ):
        return Expect.MONEY
    if re.search(r"\b(how many|how much|combien|what number|what percentage|what share)\b", q):
        return Expect.NUMBER
    if re.search(r"\b(when|what date|which date|what day|what year|which year|what month|quand|quelle date|quel jour|quelle annee|en quelle)\b", q):
        return Expect.DATE
    if re.search(r"^\s*(who|whom|whose|qui)\b|\b(which person|what person|which official|what is the name of)\b", q):
        return Expect.PERSON
    if re.search(r"^\s*(where|ou)\b|\b(which city|what city|which country|what country|in what place|which town)\b", q):
        return Expect.PLACE
    return Expect.ANY


def has_kind(text: str, kind: Expect) -> bool:
    """Whether ``text`` holds something of the kind asked for (a date, a number that is not a year, ...)."""
    if kind is Expect.DATE:
        return bool(DATE.search(text))
    if kind is Expect.MONEY:
        return bool(MONEY.search(text))
    if kind is Expect.NUMBER:
        return any(not re.fullmatch(r"(?:19|20)\d{2}", match.group()) for match in NUMBER.finditer(text))
    if kind is Expect.PERSON:
        return bool(NAME.search(text))
    if kind is Expect.PLACE:
        return bool(PLACE.search(text)) or bool(NAME.search(text))
    return True


_FOLLOW_UP = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|then|il|elle|ils|elles|lui|leur|ce|cela|ça)\b",
    re.IGNORECASE,
)


def standalone(question: str, history: Sequence[object] | None) -> str:
    """A follow-up made standalone by adding the previous question: "Who chaired it?" + "When was the plan launched?".

    ``history`` is a list of earlier turns: ``(user, assistant)`` pairs, or ``{"role", "content"}`` messages.
    """
    previous = _last_user_turn(history)
    if not previous:
        return question
    own_terms = terms(question)
    if _FOLLOW_UP.search(question) or len(own_terms) <= 1:
        return f"{question} ({previous})"
    return question


def _last_user_turn(history: Sequence[object] | None) -> str:
    for turn in reversed(list(history or [])):
        if isinstance(turn, dict) and turn.get("role") == "user":
            return str(turn.get("content") or "").strip()
        if isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            return turn[0].strip()
    return ""
