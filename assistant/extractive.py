"""The offline answerer: picks the sentence(s) of the retrieved passages that answer the question.

Each candidate sentence is scored on three kinds of evidence:

- meaning: similarity of sentence and question embeddings (the same model as retrieval), on the
  model's own scale (``Embedder.similarity``);
- words: the share of the question's search terms the sentence (or its passage's title) contains,
  each weighted by its inverse document frequency; for a
  sentence in another language than the question, whose words cannot match, its meaning instead;
- kind: whether it holds what the question asks for (a date for "when", a number for "how many").

It abstains when no sentence is good enough, or when none holds the kind of answer asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.analysis import Analysis, analyse
from assistant.answerer import Answerer, Draft, Quote
from assistant.candidates import Candidate, adjacent, candidate_sentences, closes_in, overlaps, with_closing
from assistant.fitted import FittedModel, load_model
from assistant.kinds import kind_strength
from assistant.question import Expect
from assistant.sentences import FIELD, asked_names
from assistant.times import other_time
from knowledge import Document, Embedder, Passage, Reranker, detect_language, flowed, scored_text, terms

Vector = list[float]


# Kinds whose answers have a form nothing else has (a phone number, an e-mail address, "Full Name
# (ACRONYM)"): when a retrieved sentence holds one, it is the answer even if another reads closer.
# A date or a name, on the other hand, often belongs to another subject than the question's.
UNMISTAKABLE = frozenset({Expect.PHONE, Expect.EMAIL, Expect.EXPANSION})


@dataclass(frozen=True)
class Rules:
    """The hand-written rules that still pick or reject answers, each of which can be switched off to
    measure what it is worth (``python -m evals.fit --rules`` prints each one's effect)."""

    # The next two serve the hand-weighted route only (French, --no-rerank): under the fitted weights
    # they moved none of the 382 training answers, so the fitted route does without them.
    unmistakable: bool = True  # a phone number, e-mail or acronym expansion wins for a question asking for one
    owner: bool = True  # ... only when it belongs to the one the question names
    kind_required: bool = True  # decline when no sentence holds the kind asked for (a date for "when")
    speaker: bool = True  # a quotation is quoted with the sentence naming its speaker
    runner_up: bool = True  # a nearly-as-good second sentence is quoted too


@dataclass(frozen=True)
class Weights:
    """How evidence combines, and the bar an answer must clear.

    Chosen by a grid search on the two development sets (``evals/data/release-dev.jsonl`` and
    ``licenses-dev.jsonl``, 65 questions written apart from the held-out sets) that maximises right
    answers plus right abstentions, minus half a point per false abstention or false answer and a
    quarter point per second sentence that does not hold the answer. Re-run after the question-kind
    changes of 2026-11-28: these weights are still on the plateau of best scores, which now spans
    thresholds 0.10-0.31; the threshold stays near its top, so that a tie goes to saying "the
    sources do not say" (a wrong answer with a quote costs a reader more than no answer). Re-run
    again after named documents, one-span quotations and sentences that refer back: threshold
    0.25-0.33 by second 0.88-1.01, the best score (53.75 of 65) is at 0.29 and 0.92. Re-run after
    durations, regions and sentences about another time: still 53.75 at 0.29 and 0.92 (0.94 ties).
    The penalty for a sentence about another time (the previous plan, other years) moves no
    development question (any value 0-0.25 scores the same); 0.15, the weight of a half-kept
    kind, is set from its meaning. A second sentence must also hold the question's words nearly as
    well as the best (``lead``): the grid over 0-1 on the development sets scores best at 0.2-0.3
    (54.25 against 53.75 without the condition), and the tie goes to 0.2, the fewer second quotes.
    """

    meaning: float = 0.55
    words: float = 0.2
    kind: float = 0.15
    rank: float = 0.05
    other_time: float = 0.15  # penalty for a sentence about another time (the previous plan, other years)
    unknown: float = 0.3  # penalty per share of focus terms that no indexed document contains
    threshold: float = 0.29
    second: float = 0.92  # a second sentence is added when it scores this close to the best
    lead: float = 0.2  # ... and holds the question's words nearly as well (at most this share fewer)


class ExtractiveAnswerer(Answerer):
    """Answers with the best sentence of the retrieved passages, quoted exactly, or abstains.

    >>> answerer = ExtractiveAnswerer(embedder, index.document_of, index.lexical.frequencies)   # doctest: +SKIP
    >>> answerer.answer(q, q, index.search(q)).text                                     # doctest: +SKIP
    'Bamako – The Minister of Justice ... on Thursday 19 October 2023. [1]'
    """

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        documents: Callable[[Passage], Document],
        frequencies: Callable[[Iterable[str]], tuple[int, dict[str, int]]],
        weights: Weights | None = None,
        stored: Callable[[Passage], Mapping[tuple[int, int], Vector]] | None = None,
        unnamed: Callable[[str], str] | None = None,
        reranker: Reranker | None = None,
        model: FittedModel | None = None,
        rules: Rules | None = None,
    ) -> None:
        """``stored(passage)`` gives the sentence vectors kept at ingest (``Index.sentence_vectors``);
        sentences without one are embedded here, once. ``unnamed(question)`` blanks the names of
        documents out of it (``Index.without_names``): retrieval already chose those documents, and
        a name ("GPLv3") is a word their sentences do not hold. With a ``reranker`` (the
        cross-encoder), English questions about English passages are scored by the fitted
        ``model`` (default: the shipped weights); others by the hand-set ``weights``."""
        self.embedder, self.documents, self.frequencies = embedder, documents, frequencies
        self.weights = weights or Weights()
        self.stored = stored
        self.unnamed = unnamed or (lambda question: question)
        self.reranker = reranker
        self.model = model or (load_model() if reranker is not None else None)
        self.rules = rules or Rules()
        self._vectors: dict[str, Vector] = {}

    def answer(self, question: str, query: str, passages: Sequence[Passage]) -> Draft:
        analysis = analyse(question, query, self.frequencies, self.unnamed)
        kind = analysis.kind
        candidates = self.candidates(passages, headings=kind is not Expect.ANY)
        if not candidates:
            return self.abstain("no sentence in the retrieved passages")
        fitted = self._fitted_for(analysis, passages)
        scored = self.score(analysis, candidates, passages, fitted)
        rules = self.rules
        # A phone number answers "what number can I call?", however the rest reads (hand-weighted route).
        if rules.unmistakable and fitted is None and kind in UNMISTAKABLE:
            scored = [c for c in scored if c.kind > 0] or scored
        contact = rules.owner and fitted is None and kind in (Expect.PHONE, Expect.EMAIL)
        if contact and (names := asked_names(self.unnamed(question))):
            # ... unless it belongs to another than the one the question names (the Dutch Embassy's
            # phone is not UNODC's).
            scored = [c for c in scored if c.kind == 0 or names & _terms(f"{c.text} {c.antecedent}")]
            if not scored:
                return self.abstain(f"no retrieved {kind.value} belongs to what the question names")
        best = scored[0]
        if rules.kind_required and kind is not Expect.ANY and best.kind == 0:
            return self.abstain(f"no retrieved sentence holds a {kind.value}")
        if fitted is not None:
            confidence = fitted.confidence(best.score, dict(best.features))
            if confidence < fitted.bar:
                declined = self.abstain(f"confidence {confidence:.2f} < {fitted.bar:.2f}", confidence)
                return replace(declined, evidence=best.features)
        else:
            # Words of a question asked in another language than the answer's are unknown to its documents.
            unknown = analysis.unknown if detect_language(best.text) == analysis.language else 0.0
            confidence = best.score - self.weights.unknown * unknown
            if confidence < self.weights.threshold:
                bar = self.weights.threshold
                return self.abstain(f"confidence {confidence:.2f} < {bar:.2f} (unknown terms {unknown:.2f})")
        # A quotation is quoted with the sentence that names its speaker: as one span when that
        # sentence follows at once, as two quotes for "who said ...?" when it comes a few sentences on.
        if kind is Expect.PERSON and FIELD.match(best.text) and best.antecedent_start >= 0:
            # "Who do I reach at this address?": the name that opens the contact line, quoted with it.
            chosen = [replace(best, start=best.antecedent_start, text=f"{best.antecedent} {best.text}")]
        elif rules.speaker and best.closing and adjacent(best):
            chosen = [with_closing(best)]
        elif rules.speaker and best.closing and kind is Expect.PERSON:
            start, end, text = best.closing
            chosen = [replace(best, closing=None), replace(best, start=start, end=end, text=text, closing=None)]
        else:
            chosen = [best]
        # Another sentence when it is nearly as good: two short quotes beat a wrong single one.
        runner_up = next((c for c in scored[1:] if c.kind >= best.kind and c.source == best.source), None)
        if fitted is not None:
            close = runner_up is not None and fitted.confidence(runner_up.score, dict(runner_up.features)) >= max(
                fitted.bar, self.weights.second * confidence
            )
        else:
            close = (
                runner_up is not None
                and runner_up.score >= self.weights.second * best.score
                and runner_up.words >= best.words - self.weights.lead
            )
        if rules.runner_up and len(chosen) == 1 and runner_up and close:
            if closes_in(runner_up, best):  # the runner-up opens the quotation the best sentence closes
                chosen = [with_closing(runner_up)]
            elif not overlaps(runner_up, chosen[0]):  # else it is already quoted within the quotation
                chosen.append(replace(runner_up, closing=None))
        chosen.sort(key=lambda c: (c.source, c.start))
        text = " ".join(f"{flowed(c.text)} [{number}]" for number, c in enumerate(chosen, 1))
        quotes = tuple(Quote(number, c.source, c.start, c.end) for number, c in enumerate(chosen, 1))
        alternative = _alternative(scored, chosen, fitted)
        return Draft(
            text=text,
            quotes=quotes,
            notes=(f"confidence {confidence:.2f}",),
            confidence=confidence if fitted is not None else None,
            alternative=alternative,
            evidence=best.features if fitted is not None else (),
        )

    def candidates(self, passages: Sequence[Passage], headings: bool = False) -> list[Candidate]:
        """The candidate sentences of the passages (``assistant.candidates``)."""
        return candidate_sentences(passages, self.documents, headings)

    def _fitted_for(self, analysis: Analysis, passages: Sequence[Passage]) -> FittedModel | None:
        """The fitted model when the cross-encoder can read both sides (English), else None (hand-set weights)."""
        if self.reranker is None or self.model is None or analysis.language != "en":
            return None
        # Every passage, not just the first: a French sentence among English ones would be read by a
        # model that knows only English (an English question about a French text keeps today's route).
        return self.model if passages and all(detect_language(p.text) == "en" for p in passages) else None

    def score(
        self,
        analysis: Analysis,
        candidates: list[Candidate],
        passages: Sequence[Passage],
        fitted: FittedModel | None = None,
    ) -> list[Candidate]:
        """The candidates with their evidence and score, best first: the fitted model's logit when
        ``fitted`` is given, else the hand-set weighted sum."""
        query = analysis.query
        query_vector = self.embedder.embed_query(query)
        vectors = self._sentence_vectors(candidates, passages)
        context = {rank: set(terms(f"{p.title} {p.heading}")) for rank, p in enumerate(passages)}
        w = self.weights
        scored = []
        similarities = self.embedder.similarities(query_vector, vectors)
        by_text = {c.text: m for c, m in zip(candidates, similarities)}
        ces = self._cross_scores(query, candidates, passages) if fitted is not None else [0.0] * len(candidates)
        best_ce = max(ces)
        best_in_passage: dict[int, float] = {}
        for candidate, ce in zip(candidates, ces):
            best_in_passage[candidate.passage_rank] = max(ce, best_in_passage.get(candidate.passage_rank, ce))
        evidence = [
            self._evidence(analysis, candidate, meaning, ce, by_text, context)
            for candidate, meaning, ce in zip(candidates, similarities, ces)
        ]
        best_meaning, best_words = max(e["meaning"] for e in evidence), max(e["words"] for e in evidence)
        for candidate, values in zip(candidates, evidence):
            values["ce_lead"], values["ce_passage"] = values["ce"] - best_ce, best_in_passage[candidate.passage_rank]
            values["meaning_lead"], values["words_lead"] = (
                values["meaning"] - best_meaning,
                values["words"] - best_words,
            )
            if fitted is not None:
                score = fitted.logit(values)
            else:
                score = (
                    w.meaning * values["meaning"]
                    + w.words * values["words"]
                    + w.kind * values["kind"]
                    + w.rank * values["rank"]
                    - w.other_time * values["other_time"]
                )
            strength = values.pop("strength")
            scored.append(
                replace(
                    candidate, meaning=values["meaning"], words=values["words"], kind=strength, ce=values["ce"],
                    score=score, features=tuple(values.items()),
                )
            )  # fmt: skip
        scored.sort(key=lambda c: c.score, reverse=True)
        return scored

    def _evidence(
        self,
        analysis: Analysis,
        candidate: Candidate,
        meaning: float,
        ce: float,
        by_text: Mapping[str, float],
        context: Mapping[int, set[str]],
    ) -> dict[str, float]:
        """The evidence about one candidate that does not depend on the others (``assistant.fitted.FEATURES``)."""
        weights, kind, query = analysis.weights, analysis.kind, analysis.query
        total = sum(weights.values())
        # A contact field ("E-mail: ...") reads with the name its line opens with: half its meaning is that name's.
        field = bool(FIELD.match(candidate.text))
        if field and candidate.antecedent in by_text:
            meaning = (meaning + by_text[candidate.antecedent]) / 2
        # A quotation is judged together with the sentence that names its speaker.
        text = f"{candidate.text} {candidate.closing[2]}" if candidate.closing else candidate.text
        # A sentence that refers back ("These two initiatives ...") is about what the sentence
        # before names: those words count as its own. Its passage's title counts less.
        own = _terms(text) | (frozenset() if field else _terms(candidate.antecedent))
        titled = (context[candidate.passage_rank] | (_terms(candidate.antecedent) if field else set())) - own
        found = sum(weight for term, weight in weights.items() if term in own)
        found += 0.3 * sum(weight for term, weight in weights.items() if term in titled)
        words = found / total if total else 0.0
        if detect_language(text) != analysis.language:  # a translation shares names and numbers, not words
            words = max(words, meaning)
        # ... and so does what it holds: "Who do I reach at this address?" is answered by that name.
        strength = kind_strength(f"{candidate.antecedent} {text}" if field else text, kind, query)
        return {
            "ce": ce,
            "meaning": meaning,
            "words": words,
            "kind": 2 * strength - 1 if kind is not Expect.ANY else 0.0,
            "rank": 1 / (1 + candidate.passage_rank),
            "other_time": float(other_time(query, candidate.text, kind)),
            "unknown": analysis.unknown,
            "strength": strength,
        }

    def _cross_scores(self, query: str, candidates: Sequence[Candidate], passages: Sequence[Passage]) -> list[float]:
        """The cross-encoder's logit of each candidate, read as retrieval's reranking read it (mostly cached)."""
        assert self.reranker is not None
        texts = [scored_text(passages[c.passage_rank].title, c.text) for c in candidates]
        return self.reranker.score(query, texts)

    def _sentence_vectors(self, candidates: Sequence[Candidate], passages: Sequence[Passage]) -> list[Vector]:
        """The candidates' vectors: stored at ingest where there are, else embedded (and kept)."""
        stored = [self.stored(passage) if self.stored else {} for passage in passages]
        found = [stored[c.passage_rank].get((c.start, c.end)) or self._vectors.get(c.text) for c in candidates]
        missing = list(dict.fromkeys(c.text for c, vector in zip(candidates, found) if vector is None))
        if missing:
            if len(self._vectors) > 50_000:  # a bound on memory for long-running servers
                self._vectors.clear()
            for text, vector in zip(missing, self.embedder.embed_batch(missing)):
                self._vectors[text] = vector
        return [vector or self._vectors[c.text] for c, vector in zip(candidates, found)]


def _alternative(scored: Sequence[Candidate], chosen: Sequence[Candidate], fitted: FittedModel | None) -> Quote | None:
    """The best sentence not quoted, offered beside an answer the model is unsure of (fitted model only)."""
    if fitted is None:
        return None
    other = next((c for c in scored if not any(overlaps(c, q) for q in chosen)), None)
    return Quote(0, other.source, other.start, other.end) if other else None


@lru_cache(maxsize=20_000)
def _terms(text: str) -> frozenset[str]:
    """The search terms of a sentence (the same sentences come back question after question)."""
    return frozenset(terms(text))
