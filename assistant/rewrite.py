"""Follow-up questions made standalone: by rule, or by a chat model, checked, with the rule as fallback.

"Who chaired it?" after "When was the plan launched?" should retrieve passages about the plan's
launch. The rule (``standalone``) adds the previous question to a follow-up. A model (``rewrite``)
rewrites the follow-up instead; its rewrite is used only when it is one short question that keeps
the follow-up's own search terms. Otherwise, or when the model fails or is slow, the rule does it.

>>> rewrite("Who chaired it?", [("When was the plan launched?", "On 19 October 2023 [1].")], model)   # doctest: +SKIP
'Who chaired the launch of the plan?'
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Sequence
from typing import Any

from assistant.prompt import build_rewrite_messages, looks_like_instruction
from assistant.question import focus_terms
from knowledge import terms

MAX_LENGTH = 300


def rewrite(question: str, history: Sequence[object] | None, model: Any | None, timeout: float = 20.0) -> str:
    """The standalone form of ``question``: by ``model`` when it gives a usable one, else by rule."""
    turns = _turns(history)
    if not turns or model is None:
        return standalone(question, history)
    proposal = _ask(model, build_rewrite_messages(question, turns), timeout)
    return proposal if proposal and usable(proposal, question) else standalone(question, history)


def usable(proposal: str, question: str) -> bool:
    """A rewrite is usable when it is one short question that keeps the follow-up's own search terms.

    >>> usable("Who chaired the launch of the plan?", "Who chaired it?")
    True
    >>> usable("The plan was launched in 2023.", "Who chaired it?")
    False
    """
    if not 3 <= len(proposal) <= MAX_LENGTH or "\n" in proposal or not proposal.endswith("?"):
        return False
    if looks_like_instruction(proposal):
        return False
    own = set(focus_terms(question)) or set(terms(question))
    return own <= set(terms(proposal))


def _ask(model: Any, messages: list[object], timeout: float) -> str:
    """The model's reply, cleaned to one line; empty when it fails or takes longer than ``timeout``."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-rewrite")
    try:
        reply = pool.submit(model.invoke, messages, stop=["\n"]).result(timeout=timeout)
    except Exception:  # noqa: BLE001 - a boundary: any chat model's own errors, or the timeout, leave the rule
        return ""
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    content = getattr(reply, "content", reply)
    text = content if isinstance(content, str) else str(content or "")
    line = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    line = re.sub(r"^(?:rewritten|standalone)?\s*question\s*:\s*", "", line, flags=re.IGNORECASE)
    return line.strip().strip("\"'“”").strip()


def _turns(history: Sequence[object] | None) -> list[tuple[str, str]]:
    """``(user, assistant)`` pairs from pairs or ``{"role", "content"}`` messages."""
    turns: list[tuple[str, str]] = []
    for turn in history or []:
        if isinstance(turn, dict):
            role, content = turn.get("role"), str(turn.get("content") or "")
            if role == "user":
                turns.append((content, ""))
            elif role == "assistant" and turns and not turns[-1][1]:
                turns[-1] = (turns[-1][0], content)
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            turns.append((turn[0], str(turn[1]) if len(turn) > 1 and turn[1] else ""))
    return turns


_FOLLOW_UP = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|then|il|elle|ils|elles|lui|leur|ce|cela|ça)\b",
    re.IGNORECASE,
)


def standalone(question: str, history: Sequence[object] | None) -> str:
    """A follow-up made standalone by adding the previous question: "Who chaired it?" + "When was the plan launched?".

    ``history`` is a list of earlier turns: ``(user, assistant)`` pairs, or ``{"role", "content"}`` messages.
    """
    previous = _last_user_turn(history)
    if not previous:
        return question
    own_terms = terms(question)
    if _FOLLOW_UP.search(question) or len(own_terms) <= 1:
        return f"{question} ({previous})"
    return question


def _last_user_turn(history: Sequence[object] | None) -> str:
    for turn in reversed(list(history or [])):
        if isinstance(turn, dict) and turn.get("role") == "user":
            return str(turn.get("content") or "").strip()
        if isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            return turn[0].strip()
    return ""
