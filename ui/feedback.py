"""Thumbs up and down on answers, kept as JSON lines so bad answers can become evaluation cases.

Each line of ``$PRESSROOM_HOME/feedback.jsonl`` is one vote::

    {"time": "2025-11-22T09:14:03+00:00", "vote": "down", "question": "Who chaired it?",
     "history": ["When was the plan launched?"], "answer": "...", "abstained": false,
     "answerer": "extractive", "k": 5, "citations": [{"marker": 1, "source": ..., "quote": ...}]}

``vote`` is ``up``, ``down`` or ``cleared`` (the person took the vote back); the last line for a
question wins.

>>> log = FeedbackLog(Path("/tmp/pressroom-doc"))                 # doctest: +SKIP
>>> log.record(vote="up", question="When?", answer={"text": "On 19 October 2023. [1]"})   # doctest: +SKIP
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FEEDBACK_FILE = "feedback.jsonl"
VOTES = ("up", "down", "cleared")


def vote_name(liked: object) -> str:
    """Gradio's like value as a vote: True is "up", False is "down", anything else "cleared"."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return "cleared"


class FeedbackLog:
    """Appends votes to ``home / feedback.jsonl``; safe to share between the server's threads."""

    _lock = threading.Lock()  # one per process: every log appends whole lines, never interleaved

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / FEEDBACK_FILE

    def record(
        self,
        vote: str,
        question: str,
        answer: Mapping[str, Any],
        history: Sequence[str] = (),
        k: int | None = None,
    ) -> dict[str, Any]:
        """Append one vote on ``answer`` (an ``Answer.as_dict()``, or ``{"text": ...}`` for an error reply)."""
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {', '.join(VOTES)}, got {vote!r}")
        entry = {
            "time": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "vote": vote,
            "question": question,
            "history": list(history),
            "answer": answer.get("text", ""),
            "abstained": bool(answer.get("abstained", False)),
            "answerer": answer.get("answerer", ""),
            "k": k,
            "citations": [dict(citation) for citation in answer.get("citations", ())],
        }
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every vote recorded so far, oldest first (an unreadable line is skipped)."""
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return entries
