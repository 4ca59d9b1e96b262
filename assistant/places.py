"""The places a text names: after a word that locates ("in Bamako"), in a news dateline, or a country's name.

>>> places("The plan was launched in Bamako on Thursday.", "Which city hosted the launch?")
['bamako']
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from knowledge import fold

_CAPITALISED = r"[A-Z][\w’'-]+(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]+)*"
# A place is a name after a word that locates ("in Bamako", "à Bordeaux"), a news dateline
# ("Bamako – The Minister ..."), or a country.
LOCATED = re.compile(rf"\b(?:in|at|near|from|across|throughout|within|en|à|au|aux|dans)\s+(?:the\s+)?({_CAPITALISED})")
DATELINE = re.compile(r"^\s*([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)\s*[–—-]\s")
# A region named by its adjective: "West African countries", "the Sahelian states".
REGIONAL = re.compile(
    r"\b((?:[A-Z][\w’'-]+\s+)?[A-Z][\w’'-]*(?:an|ese|ish|ic))\s+(?:countries|states|nations|regions?)\b"
)
DESCRIBED_PLACE = re.compile(
    r"\b(?:in|at|before|within)\s+(?:the|a|any)\s+(?:\w+\s+)?(?:courts?|place|premises|offices?|jurisdiction|venue|"
    r"territory|country|state|region|city|building|site)\b",
    re.IGNORECASE,
)
# An organisation's office named by its acronym and a place ("at IOM Mali", "UNODC Nigeria") is the organisation.
_OFFICE_OF = re.compile(
    r"\b[A-Z]{2,}\s+[A-Z][\w’'-]*|"
    # ... or an office named for the place it serves ("Regional Office for West and Central Africa").
    r"\b(?:Office|Embassy|Ministry|Mission|Bureau|Delegation|Representation|Programme|Program|Initiative|Project|"
    r"Fund|Centre|Center|Commission|Council|Agency)\s+(?:for|of)\s+(?:the\s+)?"
    r"[A-Z][\w’'-]*(?:\s+(?:(?:and|of|the)\s+)*[A-Z][\w’'-]*)*"
)
_TITLE_WORD_BEFORE = re.compile(r"\b([A-Z][\w’'-]*)\s*$")
# Last words of an institution's name, which "in X" locates ("the Ministry of Justice in Bamako"),
# unlike the words of a title ("Trafficking in Persons").
_SEATED = frozenset(
    [
        "justice",
        "affairs",
        "ministry",
        "ministere",
        "embassy",
        "ambassade",
        "office",
        "bureau",
        "mission",
        "department",
        "agency",
        "centre",
        "center",
        "unit",
        "court",
        "council",
        "government",
        "headquarters",
        "university",
    ]
)
# Last words that make a name an organisation or a text rather than a place ("in the Global Compact").
_NOT_PLACES = frozenset(
    [
        *("act", "agency", "article", "committee", "compact", "convention", "corporation", "department"),
        *("foundation", "fund", "goals", "initiative", "law", "licence", "license", "ministry", "nations"),
        *("office", "organisation", "organization", "plan", "programme", "program", "project", "protocol"),
        *("section", "strategy", "unit", "version"),
        # Capitalised defined terms of licences and contracts ("in the Work", "in the Program").
        *("work", "works", "software", "library", "document", "documentation", "package", "product"),
        *("contribution", "source"),
    ]
)


def places(text: str, question: str = "") -> list[str]:
    """The places ``text`` names that the question does not already name.

    >>> places("The plan was launched in Bamako on Thursday.", "Which city hosted the launch?")
    ['bamako']
    >>> places("It is in line with objective 10 of the Global Compact.", "Where?")
    []
    >>> places("It runs for five years in Mali and West African countries.", "Which city hosted the launch?")
    []
    """
    asked = fold(question)
    found = [match.group(1) for match in DATELINE.finditer(text)]
    offices = [match.span() for match in _OFFICE_OF.finditer(text)]

    def free(match: re.Match[str], group: int = 0) -> bool:
        """Not within an organisation's office ("at IOM Mali")."""
        return not any(start <= match.start(group) < end for start, end in offices)

    def titled(match: re.Match[str]) -> bool:
        """Within a title ("Trafficking in Persons"), not after an institution ("the Ministry of Justice in Bamako")."""
        word = _TITLE_WORD_BEFORE.search(text, 0, match.start())
        return word is not None and fold(word.group(1)) not in _SEATED

    found += [m.group(1) for m in LOCATED.finditer(text) if not titled(m) and free(m, 1)]
    named = [name for name in found if fold(name.split()[-1]) not in _NOT_PLACES]
    if re.search(r"\b(city|town|village|venue|ville|lieu|endroit|localite)\b", asked):  # a country or region is no city
        named = [name for name in named if not _countries().fullmatch(name)]
    else:
        named += [match.group(1) for match in REGIONAL.finditer(text)]
        named += [match.group() for match in _countries().finditer(text) if free(match)]
    return list(dict.fromkeys(fold(name) for name in named if fold(name) not in asked))


def countries(text: str) -> list[str]:
    """The country names ``text`` holds ("Mali", "the Netherlands"), as written."""
    return [match.group() for match in _countries().finditer(text)]


@lru_cache(maxsize=1)
def _countries() -> re.Pattern[str]:
    """Any name of ``data/places.txt``, longest first (read on first use, not at import)."""
    listed = resources.files("assistant").joinpath("data/places.txt").read_text(encoding="utf-8").splitlines()
    names = sorted((line.strip() for line in listed if line.strip() and not line.startswith("#")), key=len)[::-1]
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b")
