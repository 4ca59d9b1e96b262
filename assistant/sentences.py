"""The shape of candidate sentences: which are statements, which open a quotation, refer back, or define a term.

These read the text only; how well a sentence answers a question is the answerer's business.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.places import countries
from knowledge import STOPWORDS, Unit, fold, terms, units


@lru_cache(maxsize=512)
def statement_units(source: str, version: str, text: str, statements: bool = False) -> tuple[Unit, ...]:
    """The document's units; only those that state something (no headings, no title lines) if ``statements``."""
    if not statements:
        return tuple(units(text))
    return tuple(
        u for u in statement_units(source, version, text) if not (u.heading or title_like(text[u.start : u.end]))
    )


def unit_before(source: str, version: str, text: str, start: int) -> Unit | None:
    """The unit (heading lines included) that ends before ``start``."""
    every = statement_units(source, version, text)
    index = bisect.bisect_left(every, start, key=lambda unit: unit.start) - 1
    return every[index] if index >= 0 else None


def closing_quote(text: str, sentences: Sequence[Unit], number: int) -> tuple[int, int, str] | None:
    """The sentence (among the next three) that closes a quotation sentence ``number`` opens."""
    opened = text[sentences[number].start : sentences[number].end]
    if opened.count("“") <= opened.count("”") and opened.count('"') % 2 == 0:
        return None
    for unit in sentences[number + 1 : number + 4]:
        piece = text[unit.start : unit.end]
        if "”" in piece or '"' in piece:
            return unit.start, unit.end, piece
    return None


def title_like(text: str) -> bool:
    """True for a line in title case: every word that is not a small word starts with a capital
    ("Protecting Users' Legal Rights From Anti-Circumvention Law.", 'Exhibit B - "Incompatible ..."').

    >>> title_like('The "Artistic License"'), title_like("The Netherlands funded the plan.")
    (True, False)
    """
    words = [word for word in re.findall(r"[^\W\d_][\w’'-]*", _URL.sub(" ", text)) if fold(word) not in STOPWORDS]
    return len(words) >= 2 and all(word[0].isupper() for word in words)


# A sentence that opens by pointing back: its subject is named in the sentence before.
# "This License", "This Agreement": a defined term written with a capital names itself, not the sentence before.
_REFERS_BACK = re.compile(
    r"[\s“\"(]*(?:these|those|this|such|it|they|ces|cette|ce|ceux|celles|il|elle|ils|elles)\b(?!\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)

# A definition whose term stands on the line above ('1.7. "Larger Work"' / 'means a work that combines ...').
DEFINES = re.compile(r"\s*(?:means|shall mean|refers to|is defined as)\b")

# A field of a contact line ("E-mail: ...", "Tel.: ...") belongs to the name that opens the line
# ("IOM Mali Public Information Unit. E-mail: bquenum@iom.int").
FIELD = re.compile(
    r"[\s(]*(?:e-?mail|tel|telephone|phone|mobile|fax|courriel|tél|téléphone|portable)\.?\s*:", re.IGNORECASE
)


def refers_back(text: str, sentences: Sequence[Unit], number: int) -> bool:
    """Whether sentence ``number`` is about what the sentence before names: it points back ("These
    two initiatives ..."), or it is a field of a contact line that sentence opens."""
    sentence = text[sentences[number].start : sentences[number].end]
    if _REFERS_BACK.match(sentence):
        return True
    return bool(FIELD.match(sentence)) and "\n" not in text[sentences[number - 1].end : sentences[number].start]


_URL = re.compile(r"\S+://\S+|www\.\S+")


def asked_names(question: str) -> frozenset[str]:
    """The search terms of the names a question writes with a capital, beyond a sentence's first word
    and beyond countries, which place a contact rather than name its owner ("the Dutch Embassy in Mali").

    >>> sorted(asked_names("What phone number should journalists call to reach the Dutch Embassy in Mali?"))
    ['dutch', 'embassy']
    """
    words = re.findall(r"(?<![.?!]\s)(?<!^)\b[A-Z][\w’'-]*", question.strip())
    placed = {term for country in countries(question) for term in terms(country)}
    return frozenset(term for word in words for term in terms(word)) - placed
