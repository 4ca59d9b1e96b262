"""The per-question chart of ``report.html``: one column per question, one row per check, as inline SVG.

Rows: was the support retrieved (and at rank 1), was the answer right (or rightly withheld), did a
citation support it, were all quotes exact. Questions wrap into bands of ``PER_BAND``; each cell
names its question on hover and, when the question failed, links to its details.

>>> svg = strip_chart(report.results, anchor_prefix="pressroom-")   # doctest: +SKIP
>>> svg.startswith("<svg")                                          # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from evals.scoring import QuestionResult

COLOURS = {
    "right": "#1a7f37",
    "right, below rank 1": "#8fd19e",
    "wrong": "#cf222e",
    "false abstention": "#e36209",
    "false answer": "#8250df",
    "error": "#24292f",
    "not applicable": "#d0d7de",
}
ROWS = ("retrieval", "answer", "citation", "quotes")
PER_BAND, CELL, GAP, LABEL = 50, 12, 2, 70


def cell_states(result: QuestionResult) -> dict[str, str]:
    """The legend entry (a key of ``COLOURS``) of each row for one question."""
    if result.error:
        return dict.fromkeys(ROWS, "error")
    if result.answerable:
        rank = result.support_rank
        retrieval = "wrong" if rank is None else ("right" if rank == 1 else "right, below rank 1")
        answer = "false abstention" if result.abstained else ("right" if result.correct else "wrong")
        if result.abstained:
            citation = "not applicable"
        else:
            citation = "right" if any(c.supports for c in result.citations) else "wrong"
    else:
        retrieval = citation = "not applicable"
        answer = "right" if result.abstained else "false answer"
    quotes = (
        "not applicable" if not result.citations else ("right" if all(c.valid for c in result.citations) else "wrong")
    )
    return {"retrieval": retrieval, "answer": answer, "citation": citation, "quotes": quotes}


def strip_chart(results: Sequence[QuestionResult], anchor_prefix: str) -> str:
    """The SVG for ``results``; failed questions link to ``#<anchor_prefix><id>``."""
    band_height = len(ROWS) * (CELL + GAP) + 22
    bands = max(1, -(-len(results) // PER_BAND))
    width = LABEL + PER_BAND * (CELL + GAP)
    parts = [f'<svg role="img" aria-label="per-question results" width="{width}" height="{bands * band_height}">']
    for band in range(bands):
        top = band * band_height
        chunk = results[band * PER_BAND : (band + 1) * PER_BAND]
        for row, name in enumerate(ROWS):
            parts.append(f'<text x="0" y="{top + row * (CELL + GAP) + CELL - 2}">{name}</text>')
        for column, result in enumerate(chunk):
            parts.append(_column(result, LABEL + column * (CELL + GAP), top, anchor_prefix))
        if chunk:
            parts.append(f'<text x="{LABEL}" y="{top + len(ROWS) * (CELL + GAP) + 12}">{escape(chunk[0].id)}</text>')
            last_x = LABEL + (len(chunk) - 1) * (CELL + GAP)
            parts.append(
                f'<text x="{last_x + CELL}" y="{top + len(ROWS) * (CELL + GAP) + 12}" text-anchor="end">'
                f"{escape(chunk[-1].id)}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _column(result: QuestionResult, x: int, top: int, anchor_prefix: str) -> str:
    states = cell_states(result)
    cells = []
    for row, name in enumerate(ROWS):
        tip = escape(f"{result.id} ({name}: {states[name]}): {result.question}")
        cells.append(
            f'<rect x="{x}" y="{top + row * (CELL + GAP)}" width="{CELL}" height="{CELL}" '
            f'fill="{COLOURS[states[name]]}"><title>{tip}</title></rect>'
        )
    column = "".join(cells)
    if result.problems:
        target = escape(anchor(anchor_prefix + result.id))
        return f'<a href="#{target}">{column}</a>'
    return column


def anchor(text: str) -> str:
    """An element id safe in HTML and URLs: letters, digits, ``-`` and ``_`` kept, anything else ``-``."""
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text)
