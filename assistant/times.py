"""Whether a sentence speaks of another time than the question (the previous plan, other years).

>>> other_time("How long will the new plan run?", "It replaces the previous five-year plan.")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.kinds import YEAR
from assistant.question import Expect
from knowledge import fold

# Words that place a subject in time. A sentence about "the previous five-year plan" does not
# answer "What is the time horizon of the new plan?", however close its other words are.
_EARLIER = frozenset(
    [
        "previous",
        "former",
        "prior",
        "preceding",
        "earlier",
        "old",
        "outgoing",
        "expired",
        "expiring",
        "predecessor",
        "ancien",
        "ancienne",
        "precedent",
        "precedente",
    ]
)
_LATER = frozenset(
    [
        "new",
        "next",
        "current",
        "upcoming",
        "forthcoming",
        "latest",
        "nouveau",
        "nouvelle",
        "nouvel",
        "prochain",
        "prochaine",
        "actuel",
        "actuelle",
    ]
)


def other_time(question: str, text: str, kind: Expect = Expect.ANY) -> bool:
    """Whether ``text`` speaks of another time than the question: it qualifies its subject only as
    earlier when the question asks of a later one (or the reverse), or it names years and none of
    the question's (unless the question asks for a date, which is then a new year).

    >>> other_time("How long will the new plan run?", "It replaces the previous five-year plan.")
    True
    >>> other_time("How long will the new plan run?", "The new plan replaces the previous one.")
    False
    >>> other_time("Who led Debian from 1996 to 1997?", "Sam Hartman led Debian from 2019 until 2020.")
    True
    """
    asked_earlier, asked_later, asked_years = _times(question)
    said_earlier, said_later, said_years = _times(text)
    if asked_earlier != asked_later and (said_earlier, said_later) == (asked_later, asked_earlier):
        return True
    return bool(asked_years and said_years and not asked_years & said_years and kind is not Expect.DATE)


@lru_cache(maxsize=8192)
def _times(text: str) -> tuple[bool, bool, frozenset[str]]:
    """Whether ``text`` speaks of something earlier, of something later, and the years it names
    (cached: a question is compared with every retrieved sentence, and sentences recur)."""
    said = set(re.findall(r"\w+", fold(text)))
    return bool(said & _EARLIER), bool(said & _LATER), frozenset(YEAR.findall(text))
