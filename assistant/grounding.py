"""The grounding check: each sentence a model writes must be stated by a passage it cites.

For every sentence of a generated answer, the sentences of the retrieved passages are weighed as
evidence, on words and on meaning:

- words: the share of the sentence's search terms that the evidence contains (stemmed, no stop words);
- meaning: similarity of sentence and evidence embeddings (the retrieval model's, on its own scale);
- facts that must match: every number of the sentence, every capitalised name after its first
  word, and a negation ("not", "never") must appear in the evidence itself.

A sentence is supported by the best evidence sentence of the passages it cites (or by two together,
when it joins two facts). When its cited passages do not support it but another retrieved passage
does, the citation moves there (with a note); when none does, the sentence is kept, flagged, and
gets no citation. Markers that point at no passage are removed. The quote of each citation is the
supporting sentence itself, at its exact offsets in the stored document; sentences written to an
AI assistant ("ignore your instructions ...") are never evidence.

>>> checker = GroundingChecker(index.embedder, index.document_of)            # doctest: +SKIP
>>> grounded = checker.check("It was launched on 19 October 2023 [1].", passages)   # doctest: +SKIP
>>> grounded.checks[0].supported, grounded.quotes[0].start                   # doctest: +SKIP
(True, 0)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from assistant.answerer import Quote
from assistant.prompt import looks_like_instruction
from assistant.types import SentenceCheck
from knowledge import Document, Embedder, Passage, fold, sentence_spans, terms, units

Vector = list[float]


@dataclass(frozen=True)
class Thresholds:
    """What counts as support. Chosen on answers of the bundled model to the development questions."""

    words: float = 0.6  # weight of the word share in the score (the rest is meaning)
    support: float = 0.55  # the score a sentence needs
    min_words: float = 0.5  # and the share of its terms the evidence must hold, whatever the meaning says
    whole: float = 0.5  # an answer with a smaller share of supported sentences is unsupported as a whole


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage, at its offsets in the stored document."""

    rank: int  # the passage's position in the prompt, 0-based ([1] is rank 0)
    source: str
    start: int
    end: int
    text: str
    terms: frozenset[str]
    folded: str


@dataclass(frozen=True)
class Grounded:
    """A checked answer: ``text`` with markers 1..n in order, one quote per marker, one check per sentence."""

    text: str
    quotes: tuple[Quote, ...]
    checks: tuple[SentenceCheck, ...]
    notes: tuple[str, ...] = ()
    whole_unsupported: bool = False

    @property
    def supported_share(self) -> float:
        return sum(c.supported for c in self.checks) / len(self.checks) if self.checks else 0.0


@dataclass
class _Claim:
    text: str  # the sentence without markers, its final punctuation apart
    end: str  # the final punctuation ("." or "")
    cited: list[int]  # 0-based passage ranks it cites, valid ones only
    terms: set[str]
    numbers: set[str]
    names: dict[str, str]  # search term -> the capitalised word it comes from
    negated: bool
    vector: Vector = field(default_factory=list)


class GroundingChecker:
    """Checks generated answers against the passages they were written from."""

    def __init__(
        self,
        embedder: Embedder | None,
        documents: Callable[[Passage], Document],
        thresholds: Thresholds | None = None,
    ) -> None:
        self.embedder, self.documents = embedder, documents
        self.thresholds = thresholds or Thresholds()
        self._vectors: dict[str, Vector] = {}

    def _similarity(self, a: Vector, b: Vector) -> float:
        """The embedder's similarity (rescaled so that unrelated texts score about 0), 0 without vectors."""
        return self.embedder.similarity(a, b) if self.embedder is not None and a and b else 0.0

    def check(self, text: str, passages: Sequence[Passage], question: str = "") -> Grounded:
        """Check ``text`` (markers ``[n]`` refer to ``passages[n-1]``); see the module docstring.

        With ``question``, a sentence that only repeats the question's words supports nothing.
        """
        notes: list[str] = []
        claims = self._claims(text, len(passages), notes)
        asked = set(terms(question))
        if not claims:
            return Grounded("", (), (), ("the model wrote no sentence",), whole_unsupported=True)
        evidence = self.evidence(passages)
        self._embed(claims, evidence)
        markers: dict[tuple[str, int, int], int] = {}
        quotes: list[Quote] = []
        sentences: list[str] = []
        checks: list[SentenceCheck] = []
        for number, claim in enumerate(claims, 1):
            chosen, score, reason = self._support(claim, evidence)
            if chosen and asked and claim.terms <= asked:
                chosen, reason = (), "it only repeats the question"
            if chosen and claim.cited and not {e.rank for e in chosen} & set(claim.cited):
                cited = ", ".join(f"[{rank + 1}]" for rank in claim.cited)
                notes.append(f"sentence {number}: cited {cited}, supported by [{chosen[0].rank + 1}] instead")
            elif chosen and not claim.cited:
                notes.append(f"sentence {number}: had no marker, supported by [{chosen[0].rank + 1}]")
            own: list[int] = []
            for item in chosen:
                key = (item.source, item.start, item.end)
                if key not in markers:
                    markers[key] = len(markers) + 1
                    quotes.append(Quote(markers[key], item.source, item.start, item.end))
                own.append(markers[key])
            own = sorted(set(own))
            suffix = (" " + " ".join(f"[{m}]" for m in own)) if own else ""
            sentence = _tidy(f"{claim.text}{suffix}{claim.end}")
            sentences.append(sentence)
            checks.append(SentenceCheck(sentence, bool(chosen), tuple(own), round(score, 3), "" if chosen else reason))
        supported = sum(c.supported for c in checks)
        whole = supported == 0 or supported / len(checks) < self.thresholds.whole
        return Grounded(" ".join(sentences), tuple(quotes), tuple(checks), tuple(notes), whole_unsupported=whole)

    def evidence(self, passages: Sequence[Passage]) -> list[Evidence]:
        """The sentences of each passage that may support a claim (not those addressed to a model)."""
        found: list[Evidence] = []
        for rank, passage in enumerate(passages):
            document = self.documents(passage)
            for unit in _units(document.source, document.sha256 or document.added, document.text):
                if not (passage.start <= unit.start and unit.end <= passage.end):
                    continue
                sentence = document.text[unit.start : unit.end]
                if looks_like_instruction(sentence) or not re.search(r"\w", sentence):
                    continue
                found.append(
                    Evidence(
                        rank,
                        passage.source,
                        unit.start,
                        unit.end,
                        sentence,
                        frozenset(terms(sentence)),
                        _fold(sentence),
                    )
                )
        return found

    def _support(self, claim: _Claim, evidence: list[Evidence]) -> tuple[tuple[Evidence, ...], float, str]:
        """The evidence that supports ``claim`` (empty when none does), its score, and why it failed."""
        if not claim.terms:
            return (), 0.0, "says nothing the sources could state"
        cited = [e for e in evidence if e.rank in claim.cited]
        own = self._best(claim, cited) if cited else None
        if own and own[0]:
            return own
        anywhere = self._best(claim, evidence)
        if anywhere[0]:
            return anywhere
        if own is None:
            return (), anywhere[1], f"it cites no passage, and {anywhere[2]}"
        return own

    def _best(self, claim: _Claim, pool: list[Evidence]) -> tuple[tuple[Evidence, ...], float, str]:
        if not pool:
            return (), 0.0, "no evidence in the passages"
        t = self.thresholds
        scored = sorted(((self._score(claim, (e,)), e) for e in pool), key=lambda pair: -pair[0])
        for score, item in scored[:3]:
            failure = self._facts_missing(claim, (item,))
            if score >= t.support and _coverage(claim, (item,)) >= t.min_words and not failure:
                return (item,), score, ""
        # Two sentences together, for an answer that joins two facts.
        top = [item for _, item in scored[:6]]
        pairs = sorted(((self._score(claim, pair), pair) for pair in combinations(top, 2)), key=lambda pair: -pair[0])
        for score, pair in pairs[:3]:
            if score >= t.support and _coverage(claim, pair) >= t.min_words and not self._facts_missing(claim, pair):
                return tuple(sorted(pair, key=lambda e: (e.rank, e.start))), score, ""
        score, item = scored[0]
        failure = self._facts_missing(claim, (item,))
        if not failure:
            failure = f"the best evidence covers {_coverage(claim, (item,)):.0%} of its words (score {score:.2f})"
        return (), score, failure

    def _score(self, claim: _Claim, chosen: tuple[Evidence, ...]) -> float:
        meaning = max((self._similarity(claim.vector, self._vectors.get(e.text, [])) for e in chosen), default=0.0)
        return self.thresholds.words * _coverage(claim, chosen) + (1 - self.thresholds.words) * max(0.0, meaning)

    @staticmethod
    def _facts_missing(claim: _Claim, chosen: tuple[Evidence, ...]) -> str:
        folded = " ".join(e.folded for e in chosen)
        numbers = [n for n in claim.numbers if not _has_number(folded, n)]
        if numbers:
            return f"the number(s) {', '.join(sorted(numbers))} are not in the evidence"
        words = set().union(*(e.terms for e in chosen))
        names = [word for term, word in claim.names.items() if term not in words]
        if names:
            return f"the name(s) {', '.join(names)} are not in the evidence"
        if claim.negated and not _NEGATION.search(folded):
            return "it negates what the evidence says"
        return ""

    def _claims(self, text: str, passages: int, notes: list[str]) -> list[_Claim]:
        text = normalize_markers(text)
        claims: list[_Claim] = []
        for start, end in _sentences(text):
            raw = text[start:end]
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", raw)]
            bad = sorted({n for n in numbers if not 1 <= n <= passages})
            if bad:
                notes.append(
                    "removed marker(s) " + ", ".join(f"[{n}]" for n in bad) + f": there are {passages} passages"
                )
            bare = _tidy(re.sub(r"\s*\[\d+\]", "", raw))
            match = re.match(r"^(.*?)([.!?…]*)$", bare, re.DOTALL)
            body, ending = (match.group(1), match.group(2)) if match else (bare, "")
            if not re.search(r"\w", body):
                continue
            claims.append(
                _Claim(
                    text=body,
                    end=ending,
                    cited=sorted({n - 1 for n in numbers if 1 <= n <= passages}),
                    terms=set(terms(body)),
                    numbers=set(_numbers(body)),
                    names=_names(body),
                    negated=bool(_NEGATION.search(_fold(body))),
                )
            )
        return claims

    def _embed(self, claims: list[_Claim], evidence: list[Evidence]) -> None:
        if self.embedder is None:
            return
        if len(self._vectors) > 20_000:
            self._vectors.clear()
        texts = [c.text for c in claims] + [e.text for e in evidence]
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self.embedder.embed_batch(missing)))
        for claim in claims:
            claim.vector = self._vectors[claim.text]


# Marker spellings small models use: [1, 2], [Source 1], (source 1), [^1], 【1】.
_MARKER_GROUP = re.compile(
    r"[\[【(]\s*(?:\^|sources?\s*:?\s*|passages?\s*:?\s*|doc(?:ument)?s?\s*:?\s*)?(\d{1,3}(?:\s*(?:,|and|&|;)\s*\d{1,3})*)\s*[\]】)]",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor|without|cannot|n't)\b|n't\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalize_markers(text: str) -> str:
    """Markers as ``[n]``, placed before the sentence's final punctuation: "2023. [1]" -> "2023 [1]."

    >>> normalize_markers("It opened in 2023 (Source 1, 2). Then [3].")
    'It opened in 2023 [1] [2]. Then [3].'
    """

    def one(match: re.Match[str]) -> str:
        if match.group(0).startswith("(") and not re.search(r"source|passage|doc", match.group(0), re.IGNORECASE):
            return match.group(0)  # "(2023)" or "(1)" in a list is not a marker
        return " ".join(f"[{n}]" for n in re.findall(r"\d+", match.group(1)))

    text = re.sub(r"\*\*|__", "", text)
    text = _MARKER_GROUP.sub(one, text).replace("][", "] [")
    text = re.sub(r"([.!?…])((?:\s*\[\d+\])+)", lambda m: " " + " ".join(m.group(2).split()) + m.group(1), text)
    return _tidy(text)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if spans and not re.search(r"[^\W\d_]", re.sub(r"\[\d+\]", "", text[start:end])):
            spans[-1] = (spans[-1][0], end)  # a marker or a number alone belongs to the sentence before
        else:
            spans.append((start, end))
    return spans


def _tidy(text: str) -> str:
    """White space and punctuation as ``assistant.citations.cite`` leaves them, so texts stay equal."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" +\[", " [", re.sub(r"\s+([.,;])", r"\1", text)).strip()


def _fold(text: str) -> str:
    return fold(text).replace("’", "'")


def _numbers(text: str) -> list[str]:
    return [n.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", n) else n for n in _NUMBER.findall(_fold(text))]


_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def _has_number(folded: str, number: str) -> bool:
    """Whether ``number`` appears in the folded evidence, as digits or (up to twenty) as a word."""
    if number in _numbers(folded):
        return True
    return (
        number.isdigit() and int(number) <= 20 and re.search(rf"\b{_NUMBER_WORDS[int(number)]}\b", folded) is not None
    )


def _names(text: str) -> dict[str, str]:
    """Capitalised words after the first one ("... chaired by Mahamadou KASSOGUE"), by search term."""
    words = re.findall(r"[\w’'-]+", text)
    return {term: word for word in words[1:] if word[:1].isupper() for term in terms(word)}


def _coverage(claim: _Claim, chosen: tuple[Evidence, ...]) -> float:
    if not claim.terms:
        return 0.0
    words = set().union(*(e.terms for e in chosen))
    return len(claim.terms & words) / len(claim.terms)


@lru_cache(maxsize=256)
def _units(source: str, version: str, text: str) -> tuple:  # type: ignore[type-arg]
    return tuple(units(text))
