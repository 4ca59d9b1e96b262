"""Tolerant text matching: is an accepted answer in the answer text, where is a support string.

Answers are compared after ``normalize``: case, accents, hyphens, punctuation and runs of white
space do not matter, and the date formats people write ("19 October 2023", "October 19, 2023",
"19/10/2023", "2023-10-19") all become one token. Support strings are located in document text
with white space collapsed, because licence texts are hard-wrapped and a phrase may cross a line.

>>> answer_matches("It was launched on Thursday, October 19, 2023 [1].", ["19 October 2023"])
True
>>> answer_matches("Chargé d’Affaires a.i.", ["charge d'affaires"])
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

Span = tuple[int, int]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))  # longest first, so "sept" wins over "sep"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")  # day first, as outside the US
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DASHES = re.compile(r"[-\u2010-\u2015\u2212\u00ad]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_MARKER = re.compile(r"\[\d+\]")


MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")  # fmt: skip


def _date_token(year: str, month: int, day: str) -> str | None:
    """One token for the full date, then the month and year as words, so "June 1991" still matches it."""
    try:
        day_ = date(int(year), month, int(day))  # rejects 31/02 and month 19 (a month-first date)
    except ValueError:
        return None
    return f" date{day_:%Y%m%d} {MONTH_NAMES[month - 1]} {day_.year} "


def _dates_as_tokens(text: str) -> str:
    """Every recognised full date written as ``dateYYYYMMDD month year``; other text unchanged."""

    def day_month_year(match: re.Match[str]) -> str:
        return _date_token(match[3], MONTHS[match[2]], match[1]) or match[0]

    def month_day_year(match: re.Match[str]) -> str:
        return _date_token(match[3], MONTHS[match[1]], match[2]) or match[0]

    def numeric(match: re.Match[str]) -> str:
        return _date_token(match[3], int(match[2]), match[1]) or match[0]

    def iso(match: re.Match[str]) -> str:
        return _date_token(match[1], int(match[2]), match[3]) or match[0]

    text = _ISO_DATE.sub(iso, text)
    text = _NUMERIC_DATE.sub(numeric, text)
    text = _DAY_MONTH_YEAR.sub(day_month_year, text)
    return _MONTH_DAY_YEAR.sub(month_day_year, text)


def normalize(text: str, join_hyphenated: bool = False) -> str:
    """Lower-case words and digits separated by single spaces, with accents and punctuation gone.

    Hyphens become spaces, or join their neighbours when ``join_hyphenated`` is true (so that
    "sub-committee" can match "subcommittee"). Full dates become ``dateYYYYMMDD month year``.

    >>> normalize("Prévention, protection – and “Partnerships”")
    'prevention protection and partnerships'
    >>> normalize("19/10/2023") == normalize("October 19, 2023") == normalize("19 Oct. 2023")
    True
    >>> normalize("sub-committee", join_hyphenated=True)
    'subcommittee'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    plain = _dates_as_tokens(plain)
    plain = _DASHES.sub("" if join_hyphenated else " ", plain)
    return _NOT_WORD.sub(" ", plain).strip()


def answer_matches(answer_text: str, accepted: Iterable[str]) -> bool:
    """True when any accepted answer occurs in ``answer_text`` as whole words, after ``normalize``.

    Citation markers such as ``[1]`` are ignored. Whole words matter: "ROM" is not found in
    "from", and "two" is not found in "network". A final word may still take a plural ending
    ("draft" finds "drafts") and, from four letters on, a demonym ending ("West Africa" finds
    "West African countries", "Mali" finds "Malian"), because answers name the thing and texts
    often use its adjective.

    >>> answer_matches("The plan was drafted by a subcommittee [1].", ["sub-committee"])
    True
    >>> answer_matches("Data from the archive.", ["ROM"])
    False
    >>> answer_matches("the capacity of West African countries", ["West Africa"])
    True
    """
    text = _MARKER.sub(" ", answer_text)
    for join in (False, True):
        haystack = normalize(text, join)
        if any(_pattern(normalize(answer, join)).search(haystack) for answer in accepted if normalize(answer, join)):
            return True
    return False


_PLURAL, _PLURAL_OR_DEMONYM = "(?:s|es)?", "(?:s|es|n|an|ian)?"


@lru_cache(maxsize=4096)
def _pattern(needle: str) -> re.Pattern[str]:
    """``needle`` as whole words of a normalised text, its last word allowed the endings above."""
    last = needle.rsplit(" ", 1)[-1]
    ending = "" if not last.isalpha() else (_PLURAL_OR_DEMONYM if len(last) >= 4 else _PLURAL)
    return re.compile(rf"(?<![0-9a-z]){re.escape(needle)}{ending}(?![0-9a-z])")


def collapse_whitespace(text: str) -> str:
    """``text`` with every run of white space (line breaks, tabs, form feeds) made one space."""
    return " ".join(text.split())


def contains_support(passage_text: str, support: str) -> bool:
    """True when ``support`` occurs in ``passage_text`` once white space is collapsed in both.

    >>> contains_support("ownership of more than\\n   fifty percent", "more than fifty percent")
    True
    """
    return collapse_whitespace(support) in collapse_whitespace(passage_text)


def support_spans(document_text: str, support: str) -> list[Span]:
    """Every ``(start, end)`` where ``support`` occurs in ``document_text``, any white space run matching any other.

    >>> support_spans("a b\\n  c d", "b c")
    [(2, 7)]
    """
    words = support.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    return [match.span() for match in pattern.finditer(document_text)]
