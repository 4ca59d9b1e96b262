"""The offline answerer: picks the sentence(s) of the retrieved passages that answer the question.

Each candidate sentence is scored on three kinds of evidence:

- meaning: cosine similarity of sentence and question embeddings (the same model as retrieval);
- words: the share of the question's search terms the sentence (or its passage) contains;
- kind: whether it holds what the question asks for (a date for "when", a number for "how many").

It abstains when no sentence is good enough, or when none holds the kind of answer asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answerer import Answerer, Draft, Quote
from assistant.question import Expect, expected, has_kind
from knowledge.embedding import Embedder
from knowledge.text import Unit, terms, units
from knowledge.types import Document, Passage

Vector = list[float]


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    source: str
    start: int
    end: int
    text: str
    meaning: float = 0.0
    words: float = 0.0
    kind: bool = True
    score: float = 0.0


@dataclass(frozen=True)
class Weights:
    """How evidence combines, and the bar an answer must clear (tuned on the development set)."""

    meaning: float = 0.55
    words: float = 0.35
    kind: float = 0.15
    rank: float = 0.05
    threshold: float = 0.42
    second: float = 0.92  # a second sentence is added when it scores this close to the best


class ExtractiveAnswerer(Answerer):
    """Answers with the best sentence of the retrieved passages, quoted exactly, or abstains.

    >>> answerer = ExtractiveAnswerer(embedder, index.get_document)     # doctest: +SKIP
    >>> answerer.answer(q, q, index.search(q)).text                    # doctest: +SKIP
    'Bamako – The Minister of Justice ... on Thursday 19 October 2023. [1]'
    """

    name = "extractive"

    def __init__(self, embedder: Embedder, documents: Callable[[str], Document], weights: Weights | None = None) -> None:
        self.embedder, self.documents, self.weights = embedder, documents, weights or Weights()
        self._vectors: dict[str, Vector] = {}

    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        candidates = self.candidates(passages)
        if not candidates:
            return self.abstain("no sentence in the retrieved passages")
        kind = expected(question)
        scored = self.score(question, query, kind, candidates, passages)
        best = scored[0]
        if best.score < self.weights.threshold:
            return self.abstain(f"best sentence scored {best.score:.2f} < {self.weights.threshold:.2f}")
        if kind is not Expect.ANY and not best.kind:
            return self.abstain(f"no retrieved sentence holds a {kind.value}")
        chosen = [best]
        second = next((c for c in scored[1:] if _adds(c, best)), None)
        if second and second.score >= self.weights.second * best.score and _adjacent(second, best):
            chosen.append(second)
        chosen.sort(key=lambda c: (c.source, c.start))
        text = " ".join(f"{_one_line(c.text)} [{number}]" for number, c in enumerate(chosen, 1))
        quotes = tuple(Quote(number, c.source, c.start, c.end) for number, c in enumerate(chosen, 1))
        return Draft(text=text, quotes=quotes, notes=(f"score {best.score:.2f}",))

    def candidates(self, passages: Sequence[Passage]) -> list[Candidate]:
        """Sentences (and headings) of the passages, at their offsets in the stored document."""
        seen: set[tuple[str, int, int]] = set()
        result = []
        for rank, passage in enumerate(passages):
            document = self.documents(passage.source)
            for unit in _units(document.source, document.sha256 or document.added, document.text):
                inside = passage.start <= unit.start and unit.end <= passage.end
                key = (passage.source, unit.start, unit.end)
                text = document.text[unit.start : unit.end]
                if inside and key not in seen and len(text.split()) >= 4:
                    seen.add(key)
                    result.append(Candidate(rank, passage.source, unit.start, unit.end, text))
        return result

    def score(
        self, question: str, query: str, kind: Expect, candidates: list[Candidate], passages: Sequence[Passage]
    ) -> list[Candidate]:
        query_vector = self.embedder.embed_query(query)
        vectors = self._sentence_vectors([c.text for c in candidates])
        wanted = set(terms(query))
        context = {rank: set(terms(f"{p.title} {p.heading}")) for rank, p in enumerate(passages)}
        w = self.weights
        scored = []
        for candidate, vector in zip(candidates, vectors):
            meaning = sum(a * b for a, b in zip(query_vector, vector))
            present = set(terms(candidate.text)) | context[candidate.passage_rank]
            words = len(wanted & present) / len(wanted) if wanted else 0.0
            kind_ok = has_kind(candidate.text, kind)
            score = (
                w.meaning * meaning
                + w.words * words
                + (w.kind if kind is not Expect.ANY and kind_ok else 0.0)
                - (w.kind if kind is not Expect.ANY and not kind_ok else 0.0)
                + w.rank / (1 + candidate.passage_rank)
            )
            scored.append(
                Candidate(**{**candidate.__dict__, "meaning": meaning, "words": words, "kind": kind_ok, "score": score})
            )
        scored.sort(key=lambda c: c.score, reverse=True)
        return scored

    def _sentence_vectors(self, texts: list[str]) -> list[Vector]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_batch(missing)):
                self._vectors[text] = vector
            if len(self._vectors) > 50_000:  # a bound on memory for long-running servers
                self._vectors = {text: self._vectors[text] for text in texts}
        return [self._vectors[text] for text in texts]


@lru_cache(maxsize=256)
def _units(source: str, version: str, text: str) -> tuple[Unit, ...]:
    return tuple(units(text))


def _adjacent(a: Candidate, b: Candidate) -> bool:
    return a.source == b.source and (abs(a.start - b.end) <= 3 or abs(b.start - a.end) <= 3)


def _adds(candidate: Candidate, best: Candidate) -> bool:
    return not (candidate.source == best.source and candidate.start == best.start)


def _one_line(text: str) -> str:
    """A quote as one line of text (hard-wrapped sources break lines mid-sentence)."""
    return re.sub(r"\s+", " ", text).strip()
