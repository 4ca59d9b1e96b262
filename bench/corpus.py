"""Synthetic documents that read like an archive of press releases, for benchmarks at scale.

Words are drawn from a Zipf distribution over a real vocabulary (the bundled release and the
evaluation documents, most frequent first) followed by a long tail of made-up names, so that
common words such as "plan" or "launch" are as common as in a real archive and rare names are
rare: that is what decides how many postings a lexical query reads.

>>> docs = documents(2, seed=1)
>>> len(docs), docs[0].text == documents(2, seed=1)[0].text
(2, True)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

TAIL = 40_000  # made-up rare words after the real vocabulary
ZIPF = 1.05


@dataclass(frozen=True)
class SyntheticDocument:
    name: str
    title: str
    text: str


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[str], np.ndarray]:
    """Words, most frequent first, and their Zipf probabilities."""
    texts = [Path(str(resources.files("knowledge") / "data" / "iom-mali-trafficking-2023.txt")).read_text()]
    evals_data = Path(str(resources.files("evals") / "data"))
    texts += [path.read_text(errors="ignore") for path in sorted(evals_data.rglob("*.txt"))]
    counts = Counter(word.lower() for text in texts for word in re.findall(r"[A-Za-z][a-z]{1,}", text))
    words = [word for word, _ in counts.most_common()]
    rng = np.random.default_rng(0)
    syllables = ["ka", "lo", "mi", "ra", "to", "ne", "su", "ba", "di", "go", "ve", "zu", "fa", "ri", "mo", "che"]
    tail = {"".join(rng.choice(syllables, size=int(rng.integers(2, 5)))) for _ in range(TAIL * 2)}
    words += sorted(tail - set(words))[:TAIL]
    weights = 1.0 / np.arange(1, len(words) + 1) ** ZIPF
    return words, weights / weights.sum()


def documents(
    count: int, seed: int = 0, paragraphs: tuple[int, int] = (2, 6), prefix: str = "synthetic"
) -> list[SyntheticDocument]:
    """``count`` documents: a title, then paragraphs of 2-5 sentences of 8-28 words each."""
    words, probabilities = vocabulary()
    cumulative = np.cumsum(probabilities)
    rng = np.random.default_rng(seed)
    result = []
    for number in range(count):
        shape = [
            [int(n) for n in rng.integers(8, 29, size=int(rng.integers(2, 6)))]
            for _ in range(int(rng.integers(paragraphs[0], paragraphs[1] + 1)))
        ]
        drawn = np.searchsorted(cumulative, rng.random(6 + sum(map(sum, shape))) * cumulative[-1])
        picked = iter([words[i] for i in drawn])
        title = _sentence(picked, 6, end="")
        body = ["\n\n" + " ".join(_sentence(picked, length) for length in paragraph) for paragraph in shape]
        result.append(SyntheticDocument(f"{prefix}-{seed}-{number:06d}", title, title + "\n" + "".join(body) + "\n"))
    return result


def _sentence(words: Iterator[str], length: int, end: str = ".") -> str:
    picked = [next(words) for _ in range(length)]
    return picked[0].capitalize() + " " + " ".join(picked[1:]) + end


def write(docs: list[SyntheticDocument], folder: Path) -> list[Path]:
    """Each document as ``folder/<name>.txt``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / f"{doc.name}.txt"
        path.write_text(doc.text)
        paths.append(path)
    return paths
