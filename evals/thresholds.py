"""The regression gates: the scores the release and licences datasets must keep, in one place.

``tests/evals/test_gate.py`` runs each gated held-out dataset (bundled model, extractive
answerer, k=5) and fails when any bound below is crossed. The release set guards the bundled
corpus; the licences set guards retrieval among many similar documents (and the naming of a
document in a question, which only it exercises).

How the bounds were set: each run was measured with that configuration (several runs in one
process and from the command line gave identical results, answer for answer), and each bound is
the measured score cut to three decimals: the only slack is float rounding, because the suite is
deterministic (same model, same text, same ranking). Raise a bound when the measured score
rises; never lower one to let a change through without saying why in the commit message.

>>> [bound.describe() for bound in GATES["release"]][:1]
['accuracy >= 0.979']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from evals.report import Scores

# What the release run measured when these bounds were set (see module docstring).
# What each gated run measured when its bounds were set (see the module docstring); counts
# are (right, of) so that a bound can be checked against the fraction it came from.
MEASURED: dict[str, dict[str, float]] = {
    "release": {
        "accuracy": 47 / 48,
        "hit_at_k": 48 / 48,
        "citation_precision": 47 / 51,
        "quote_validity": 1.0,
        "abstention_recall": 12 / 13,
        "abstention_precision": 12 / 12,
        "false_abstentions": 0,
    },
    "licenses": {
        "accuracy": 63 / 69,
        "hit_at_k": 69 / 69,
        "citation_precision": 62 / 73,
        "quote_validity": 1.0,
        "abstention_recall": 7 / 10,
        "abstention_precision": 7 / 9,
        "false_abstentions": 2,
    },
    # The multi-release set: 26 look-alike public releases and the bundled one, where retrieval must
    # choose (scores only are read; a failing gate lists its questions, so do not tune on them).
    "press": {
        "accuracy": 57 / 66,
        "hit_at_k": 64 / 66,
        "citation_precision": 0.7916,
        "quote_validity": 1.0,
        "abstention_recall": 6 / 15,
        "abstention_precision": 6 / 9,
        "false_abstentions": 3,
    },
}

# History of the release bounds. Since c845d8e: chunk vectors pool the vectors of their
# sentences, question kinds are read from the asking clause, places are names that locate, and an
# unmistakable answer form (phone, e-mail, acronym expansion) wins: accuracy 39 -> 42 of 48,
# abstention recall 9 -> 10 of 13, false abstentions 3 -> 1. Since 4959fd9: a quotation is quoted
# with the sentence naming its speaker as one span, and lines written as titles are no answer to
# a plain question: accuracy 42 -> 43 of 48, citation precision 0.683 -> 0.808. Then a sentence
# that refers back ("These two initiatives ...") counts the words of the sentence before as its
# own: accuracy 43 -> 44 of 48, citation precision 0.827. Then "how long" asks for a count of time,
# a region named by its adjective ("West African countries") answers "which region", and a sentence
# about the previous subject does not answer for the new one: accuracy 44 -> 45 of 48, citation
# precision 43 -> 45 of 52. Then a second quote must hold the question's words nearly as well as
# the first, a country is no city, a contact field reads with the name opening its line, "which
# day of the week" wants a weekday, a year in another subject's name dates that subject, and "who
# chairs ...?" wants who holds an office: accuracy 45 -> 46 of 48, citation precision 45/52 ->
# 46/48, abstention recall 10 -> 12 of 13, false abstentions 1 -> 0.
# The licences gate was added with the naming of documents in questions ("Under GPLv3, ..."):
# accuracy 0.768 -> 0.913, hit@5 0.957 -> 1.0, citation precision 0.654 -> 0.827. Then a party
# named by its role ("the original copyright holder") half answers "who": accuracy 63 -> 64 of 69,
# false abstentions 2 -> 1. Then "Which version number ...?" asks for a number (as "what number"
# did): abstention recall 8 -> 9 of 10, precision 8/9 -> 9/10. Then the second-quote condition
# above: citation precision 63/76 -> 63/75. Then a sentence the chunker cut in two is a candidate
# of the passage holding most of it, and "in the Work" is no place: accuracy 64 -> 65 of 69,
# citation precision 64/76, false abstentions 1 -> 0.
# Then MPL's boxed sections (6 and 7, "*  text  *" lines) are read as whole sentences instead of
# line fragments: every answer is the same, but lic-050 ("Which version of the LGPL is a Secondary
# License in MPL 2.0?") gains a second quote, because the new chunks of MPL moved the passage ranks
# of its two best sentences: citation precision 64/76 -> 64/77 (lowered for that reason).
# Then a definition whose term stands on the line above ('"Larger Work"' / 'means a work ...')
# counts that term as its own words: every answer is the same, one wrong second quote fewer:
# citation precision 64/77 -> 64/76.
# Then the cross-encoder reranks retrieval and the answerer's weights are fitted (a choice model over
# named features, evals/fit.py) instead of set by hand. Release: accuracy 46 -> 47 of 48, citation
# precision 46/48 -> 47/51 (more second quotes: the fitted runner-up rule quotes a sentence nearly as
# likely as the first). Licences, lowered on purpose: accuracy 65 -> 63 of 69, abstention recall 9 -> 7
# of 10, false abstentions 0 -> 2, citation precision 64/76 -> 62/73. The weights were fitted on all
# eight development, default and fresh sets at once, and these two sets, which the hand rules had been
# tuned on, give up a little for gains on the sets nobody tuned on (multi-release accuracy 0.71 -> 0.86,
# licences sealed sets +4 to +9 points; see README). The press gate was added then.


@dataclass(frozen=True)
class Bound:
    """One limit on one field of ``Scores``: at least ``minimum`` or at most ``maximum``."""

    metric: str
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        return f"{self.metric} >= {self.minimum}" if self.minimum is not None else f"{self.metric} <= {self.maximum}"

    def broken_by(self, scores: Scores) -> str | None:
        """A sentence saying how ``scores`` cross this bound, or None when they keep it."""
        value = getattr(scores, self.metric)
        if value is None:
            must = self.describe().split(" ", 1)[1]
            return f"{self.metric} could not be measured (nothing to average); it must be {must}."
        if self.minimum is not None and value < self.minimum:
            return f"{self.metric} fell to {value:.3f}, below its floor of {self.minimum}."
        if self.maximum is not None and value > self.maximum:
            return f"{self.metric} rose to {value:g}, above its ceiling of {self.maximum}."
        return None


def _floors(measured: dict[str, float]) -> tuple[Bound, ...]:
    """Each measured score as a bound: a floor cut to three decimals, a ceiling on false abstentions."""
    return tuple(
        Bound(metric, maximum=value)
        if metric == "false_abstentions"
        else Bound(metric, minimum=math.floor(value * 1000) / 1000)
        for metric, value in measured.items()
    )


GATES: dict[str, tuple[Bound, ...]] = {name: _floors(measured) for name, measured in MEASURED.items()}


def broken_bounds(scores: Scores, bounds: tuple[Bound, ...] = GATES["release"]) -> list[str]:
    """One sentence per bound that ``scores`` cross; empty when the gate passes."""
    return [message for bound in bounds if (message := bound.broken_by(scores))]
