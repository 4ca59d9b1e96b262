"""Which indexed documents a question names ("Under the GPLv3, ...", "in MPL 2.0"), to answer from them.

A document's names are its source (the file name: "gpl-3", "apache-2.0") and the initials of its
title ("GNU GENERAL PUBLIC LICENSE, Version 3" -> "GPL" or "GGPL", with the version "3"). A
question names a document when it writes every word of one of its names with a capital, and
its number; a name that no other document shares needs no number, unless the question gives it
another one. "The BSD licence" names bsd; "the GPL" names neither version of it; "GPLv3" does not
name gpl-2. The words of a title are not a name: a question about "the National Action Plan" is
about a topic that several documents may share; "GNU General Public License version 3", spelled
out with its version number, names gpl-3.

>>> titles = {"gpl-2": "GNU GENERAL PUBLIC LICENSE, Version 2", "gpl-3": "GNU GENERAL PUBLIC LICENSE, Version 3",
...           "bsd": "Copyright (c) The Regents", "mpl-2.0": "Mozilla Public License Version 2.0"}
>>> names = DocumentNames(titles.items())
>>> names.named_in("Under GPLv3, how long must the offer stay valid?")
['gpl-3']
>>> names.named_in("In GNU General Public License version 2?")
['gpl-2']
>>> names.named_in("Which notice does MPL 2.0 ask for?"), names.named_in("Does the BSD licence allow it?")
(['mpl-2.0'], ['bsd'])
>>> names.named_in("Does the GPL allow it?")
[]
>>> names.named_in("Under MPL 1.1, may I?"), names.named_in("Does the Mozilla Public License allow it?")
([], [])

A file name written as it is ("in gpl-3", "mpl-2.0.txt") names its document in any case, when it
is coined: letters with a digit or an underscore. "the bsd licence", "the plan" and "e-mail" are
words, "gpl-3" and "annual_report" are files, "2023" is a year.

>>> names.named_in("what does gpl-3 say about patents?"), names.named_in("is mpl-2.0.txt a copyleft licence?")
(['gpl-3'], ['mpl-2.0'])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from knowledge.text import STOPWORDS, fold

Name = tuple[frozenset[str], frozenset[str]]  # (words, numbers)
UsedElsewhere = Callable[[frozenset[str], str], bool]  # (a name's words, its source) -> in another document's text?

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
_VERSION_SUFFIX = re.compile(r"\b([a-z]{2,})v(\d+(?:\.\d+)*)\b")  # "gplv3" -> "gpl 3"
_POSSESSIVE = re.compile(r"['’]s\b")
_TITLE_VERSION = re.compile(r"\bversion\s+(\d+(?:\.\d+)*)")
# Three or more capitalised words in a row ("Version" starts a number, not a name).
_CAPITALISED_RUN = re.compile(r"(?:\b(?!Version\b)[A-Z][\w’'-]*\s+){2,}(?!Version\b)[A-Z][\w’'-]*")
_WRITTEN = re.compile(r"\w[\w.-]*\w")  # a file name as a question writes it ("gpl-3", "apache-2.0.txt")
_COINED = re.compile(r"(?=.*[^\W\d_])(?=.*[\d_]).+")  # letters with a digit or an underscore: "gpl-3", "annual_report"
_EXTENSION = re.compile(r"\.(?:txt|md|markdown|html?|pdf)$")
# Words that name nothing on their own: a file called "the-notes" is named by "notes", not by "the".
_GENERIC = frozenset(
    {"a", "an", "the", "of", "and", "in", "on", "for", "to", "version", "v", "final", "copy", "draft", "doc"}
)


def _number(token: str) -> str:
    """A version number as compared: "2.0" and "2" are the same version."""
    while token.endswith(".0"):
        token = token[:-2]
    return token


def _tokens(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words and the numbers of a text, folded; "GPLv3's" is "gpl" and "3"."""
    found = _TOKEN.findall(_VERSION_SUFFIX.sub(r"\1 \2", _POSSESSIVE.sub("", fold(text))))
    words = frozenset(token for token in found if not token[0].isdigit() and token not in _GENERIC)
    return words, frozenset(_number(token) for token in found if token[0].isdigit())


def _initials(text: str) -> set[str]:
    """Initials of each run of three or more capitalised words, with and without the run's first word.

    Leading small words are not part of the name: "In GNU General Public License" is "ggpl" or "gpl".
    """
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group().split()
        while words and fold(words[0]) in STOPWORDS:
            words.pop(0)
        letters = "".join(word[0] for word in words).lower()
        if len(letters) >= 3:
            found.update({letters, letters[1:]} if len(letters) > 3 else {letters})
    return found


def names_of(source: str, title: str) -> set[Name]:
    """The names a question may call a document by: its source's words and numbers, its title's initials."""
    names = {_tokens(source.replace("_", " "))}
    version = frozenset(_number(match) for match in _TITLE_VERSION.findall(fold(title))[:1])
    names.update((frozenset({initials}), version) for initials in _initials(title))
    return {(words, numbers) for words, numbers in names if words}


class DocumentNames:
    """The names of a set of documents, and which of them a question names."""

    def __init__(self, documents: Iterable[tuple[str, str]], used_elsewhere: UsedElsewhere | None = None) -> None:
        """``documents``: (source, title) pairs. ``used_elsewhere(words, source)`` tells whether
        another document's text holds one of a name's words: such a name ("IOM" for IOM.pdf, in a
        corpus where every release mentions IOM) is also a topic, and names its document only with
        a number."""
        self._used_elsewhere = used_elsewhere
        self._topics: dict[
            tuple[frozenset[str], str], bool
        ] = {}  # used_elsewhere's answers (a question asks it thrice)
        self._names = {source: names_of(source, title) for source, title in documents}
        # Sources that cannot be mistaken for a word, by how a question writes them.
        self._files = {fold(source): source for source in self._names if _COINED.fullmatch(source)}
        # How many documents share the words of a name: a shared one needs its number as well.
        self._sharing = Counter(words for names in self._names.values() for words in {words for words, _ in names})
        # Each name filed under one of its words, so that a question is checked against the few
        # names that share a word with it, not against every document of a large index.
        self._by_word: dict[str, list[tuple[str, Name]]] = {}
        for source, names in sorted(self._names.items()):
            for name in names:
                self._by_word.setdefault(min(name[0]), []).append((source, name))

    def named_in(self, question: str) -> list[str]:
        """The sources the question names, in source order; empty when it names none."""
        return sorted({source for source, _ in self._matches(question)})

    def without_names(self, question: str) -> str:
        """The question with the names of the documents it names blanked out.

        Its other words are what the documents are searched for; a name ("GPLv3", "BSD") is not
        written in the document it names, and would count as a word no document knows.

        >>> names = DocumentNames([("gpl-3", "GNU GENERAL PUBLIC LICENSE, Version 3")])
        >>> names.without_names("Under GPLv3, may I sell it?")
        'Under      , may I sell it?'
        """
        names = [name for _, name in self._matches(question)]
        words = set().union(*(name_words for name_words, _ in names))
        numbers = set().union(*(name_numbers for _, name_numbers in names))

        pieces, last_named = [], False
        for match in re.finditer(r"[\w.’'-]+|[^\w.’'-]+", question):
            piece = match.group()
            found_words, found_numbers = _tokens(_EXTENSION.sub("", piece.rstrip(".")))
            # A bare number is a name's only next to one: "GPL version 2", not "2 parts".
            named = bool(found_words or found_numbers) and found_words <= words and found_numbers <= numbers
            named = named and (bool(found_words) or last_named)
            pieces.append(" " * len(piece) if named else piece)
            if piece.strip():
                last_named = named or fold(piece) in ("version", "v")
        return "".join(pieces)

    def _matches(self, question: str) -> list[tuple[str, Name]]:
        """Each (source, name) that the question holds."""
        numbers = _tokens(question)[1]
        # A name is written with a capital ("BSD", "GPLv3", "the Artistic License"): "the plan" does
        # not name plan.txt, in a question that is about a plan.
        words = _tokens(" ".join(re.findall(r"\S*[A-Z]\S*", question)))[0]
        # Initials spelled out ("GNU Free Documentation License, version 1.3") name a document only
        # with its version number: without one, capitalised words are more often a topic.
        spelled = _initials(question) - words
        found = [
            (source, _tokens(source.replace("_", " ")))
            for written in _WRITTEN.findall(fold(question))
            if (source := self._files.get(_EXTENSION.sub("", written)))
        ]
        for word in sorted(words | spelled):
            for source, (name_words, name_numbers) in self._by_word.get(word, ()):
                if not name_words <= words:
                    if name_words <= words | spelled and name_numbers and name_numbers <= numbers:
                        found.append((source, (name_words, name_numbers)))
                    continue
                # A name that no other document shares needs no number, unless the question gives
                # the name another one ("Apache License 1.1" is not the indexed 2.0).
                unique = self._sharing[name_words] == 1 and not _numbered(question, name_words)
                numbered = bool(name_numbers) and name_numbers <= numbers
                if name_numbers and not (numbered or unique):
                    continue
                if numbered or not self._topic(name_words, source):
                    found.append((source, (name_words, name_numbers)))
        return found

    def _topic(self, words: frozenset[str], source: str) -> bool:
        """Whether another document uses the words of this name of ``source`` (asked once per name)."""
        if self._used_elsewhere is None:
            return False
        if (words, source) not in self._topics:
            self._topics[(words, source)] = self._used_elsewhere(words, source)
        return self._topics[(words, source)]


def _numbered(question: str, name_words: frozenset[str]) -> bool:
    """True when a version number follows the name in the question ("GPLv3", "Apache License 1.1",
    "MPL version 1.1"): within three words of a word of the name."""
    tokens = _TOKEN.findall(_VERSION_SUFFIX.sub(r"\1 \2", fold(question)))
    return any(
        token[0].isdigit() and not name_words.isdisjoint(tokens[max(0, at - 3) : at]) for at, token in enumerate(tokens)
    )
