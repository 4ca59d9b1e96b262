"""What callers pass in, checked: the question, the number of passages, and values shown in messages.

Each check returns the value as the rest of Pressroom uses it, or raises a one-sentence error
that says how to fix it (``QuestionError``, ``ConfigError``).
"""

from __future__ import annotations

import re

from knowledge.errors import ConfigError, QuestionError

MAX_QUESTION_CHARS = 2000
MAX_K = 50


def check_question(question: object) -> str:
    """The question, stripped, or a ``QuestionError`` that says how to fix it."""
    if question is not None and not isinstance(question, str):
        raise QuestionError(
            f"The question must be text, not {type(question).__name__}: type a question about your documents."
        )
    if not question or not question.strip():
        raise QuestionError("The question is empty: type a question about your documents.")
    # Lone surrogates (JSON's "\ud800", or argv bytes that are not UTF-8) crash the model's tokenizer.
    question = re.sub("[\ud800-\udfff]", "\ufffd", question.strip())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(question):,} characters long; "
            f"shorten it to {MAX_QUESTION_CHARS:,} characters or fewer."
        )
    return question


def check_k(k: object) -> int:
    """The number of passages as an ``int``, or a ``ConfigError``; written as it arrives from code, a command
    line or JSON (``8``, ``"8"``, ``8.0``).

    >>> check_k("8")
    8
    """
    value: object = k
    if isinstance(k, str) and re.fullmatch(r"\s*[+-]?(\d{1,9}(\.\d{0,9})?|\.\d{1,9})\s*", k):
        value = float(k) if "." in k else int(k)  # "2.5" is refused as 2.5, as JSON's 2.5 is
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_K:
        raise ConfigError(f"k must be a whole number from 1 to {MAX_K}, got {brief(value)}.")
    return value


def brief(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: a message about a value stays one short line.

    >>> brief("x" * 100, limit=10)
    "'xxxxxx..."
    """
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
