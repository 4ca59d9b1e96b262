"""``report.html``: one self-contained page (inline CSS and SVG, no script, no network) per dataset.

It shows the scores side by side, a bar chart of the shared metrics, a strip chart of every
question per system (retrieval, answer, citation, quotes), and every failed question with the
answer given, the expected answers and the retrieved passages. All text from datasets, answers
and documents is escaped.

>>> Path("report.html").write_text(html_page([pressroom_report, baseline_report]))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from evals.report import METRICS, Report, format_value
from evals.scoring import QuestionResult
from evals.strip_chart import COLOURS, anchor, strip_chart
from evals.text_report import depth_notes, failure_rows, heading, kind_rows, pair_rows, score_rows
from knowledge import flowed

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d1d1f; }
table.scores { border-collapse: collapse; margin: 1rem 0; }
table.scores td, table.scores th { padding: .25rem .8rem; border-bottom: 1px solid #ddd; text-align: right; }
table.scores td:first-child, table.scores th:first-child { text-align: left; }
td.best { font-weight: 700; }
.failure { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; }
.failure h4 { margin: 0 0 .4rem; }
.problems { color: #b3261e; font-weight: 600; }
.passage { white-space: pre-wrap; font: 13px/1.4 ui-monospace, monospace; background: #f6f6f6; padding: .4rem .6rem;
  margin: .3rem 0; border-left: 4px solid #ccc; }
.passage.support { border-left-color: #1a7f37; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: -2px; }
svg text { font: 12px system-ui, sans-serif; }
"""


def html_page(reports: Sequence[Report]) -> str:
    """The whole page for the reports of one dataset (one per system)."""
    title = escape(heading(reports))
    body = [f"<h1>Evaluation: {title}</h1>", f"<p>Started {escape(reports[0].started)}.</p>"]
    body += ["<h2>Scores</h2>", _scores_table(reports)]
    body += [f"<p>{escape(note)}</p>" for note in depth_notes(reports)]
    body.append(_bar_chart(reports))
    body += ["<h3>Right outcomes by kind of question</h3>", _table(kind_rows(reports))]
    if pairs := pair_rows(reports):
        body += ["<h3>Scores by language pair (question → source)</h3>", _table(pairs)]
    body += ["<h2>Every question</h2>", _legend()]
    for report in reports:
        body.append(f"<h3>{escape(report.system)}</h3>")
        body.append(strip_chart(report.results, anchor_prefix=f"{report.system}-"))
    for report in reports:
        body.append(
            f"<h2>Failed questions: {escape(report.system)} ({len(report.failures)} of {report.scores.questions})</h2>"
        )
        causes = failure_rows(report)
        if len(causes) > 1:
            body += ["<p>Wrong outcomes by cause:</p>", _table(causes)]
        body.extend(_failure(report.system, result) for result in report.failures)
        if not report.failures:
            body.append("<p>None.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{STYLE}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _scores_table(reports: Sequence[Report]) -> str:
    rows = score_rows(reports)
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    lines = [f'<table class="scores"><tr>{head}</tr>']
    for metric, row in zip(METRICS, rows[1:]):
        values = [getattr(report.scores, metric.key) for report in reports]
        best = _best(values, metric.higher_is_better) if len(reports) > 1 else None
        cells = "".join(
            f"<td{_BEST if value is not None and value == best else ''}>{escape(text)}</td>"
            for value, text in zip(values, row[1:])
        )
        lines.append(f"<tr><td>{escape(row[0])}</td>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


_BEST = ' class="best"'


def _table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:])
    return f'<table class="scores"><tr>{head}</tr>{body}</table>'


def _best(values: Sequence[float | int | None], higher_is_better: bool | None) -> float | int | None:
    present = [value for value in values if value is not None]
    if higher_is_better is None or not present or len(set(present)) == 1:
        return None
    return max(present) if higher_is_better else min(present)


BAR_COLOURS = ("#1f6feb", "#b08800", "#8250df")


def _bar_chart(reports: Sequence[Report]) -> str:
    """Horizontal bars, one group per 0-1 metric, one bar per system."""
    metrics = [m for m in METRICS if m.unit == "share"]
    label_width, bar_width, bar_height = 170, 420, 12
    group = bar_height * len(reports) + 10
    height = group * len(metrics) + 30
    parts = [f'<svg role="img" aria-label="scores by system" width="{label_width + bar_width + 70}" height="{height}">']
    for row, metric in enumerate(metrics):
        top = row * group
        label = metric.label.replace("@k", f"@{reports[0].k}")
        parts.append(f'<text x="0" y="{top + bar_height}">{escape(label)}</text>')
        for number, report in enumerate(reports):
            value = getattr(report.scores, metric.key)
            y = top + number * bar_height
            width = round((value or 0) * bar_width, 1)
            colour = BAR_COLOURS[number % len(BAR_COLOURS)]
            text = escape(f"{report.system}: {format_value(value, metric.unit)}")
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar_height - 2}" fill="{colour}">'
                f"<title>{text}</title></rect>"
            )
            parts.append(
                f'<text x="{label_width + width + 4}" y="{y + bar_height - 3}">'
                f"{escape(format_value(value, metric.unit))}</text>"
            )
    key_y = height - 8
    for number, report in enumerate(reports):
        x = label_width + number * 140
        parts.append(
            f'<rect x="{x}" y="{key_y - 10}" width="10" height="10" fill="{BAR_COLOURS[number % len(BAR_COLOURS)]}"/>'
        )
        parts.append(f'<text x="{x + 14}" y="{key_y}">{escape(report.system)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _legend() -> str:
    items = "".join(
        f'<span><i style="background:{colour}"></i>{escape(name)}</span>' for name, colour in COLOURS.items()
    )
    return (
        f'<p class="legend">{items}</p><p>Click a cell to jump to the question when it failed; hover for details.</p>'
    )


def _failure(system: str, result: QuestionResult) -> str:
    expected = " / ".join(result.expected) if result.expected else "an abstention (the documents do not say)"
    lines = [
        f'<div class="failure" id="{escape(anchor(f"{system}-{result.id}"))}">',
        f"<h4>{escape(result.id)} · {escape(result.kind)}: {escape(result.question)}</h4>",
        f'<p class="problems">{escape(", ".join(result.problems))}</p>',
        f"<p><b>Answer given:</b> {escape(result.answer or result.error or '(none)')}</p>",
        f"<p><b>Expected:</b> {escape(expected)}</p>",
    ]
    if result.support:
        lines.append(f"<p><b>Support</b> in {escape(result.source)}: {escape(' … '.join(result.support))}</p>")
    if result.notes:
        lines.append(f"<p><b>Notes of the system:</b> {escape('; '.join(result.notes))}</p>")
    for citation in result.citations:
        checks = ("valid" if citation.valid else "INVALID") + (
            ", supports" if citation.supports else ", does not support"
        )
        lines.append(
            f"<p><b>Citation [{citation.marker}]</b> {escape(citation.source)} {citation.start}-{citation.end} "
            f"({checks}): {escape(flowed(citation.quote))}</p>"
        )
    lines.append(f"<p><b>Retrieved passages</b> ({len(result.passages)}):</p>")
    for passage in result.passages:
        css = "passage support" if passage.supports else "passage"
        note = ", holds support" if passage.supports else ""
        lines.append(
            f'<div class="{css}"><b>{passage.rank}. {escape(passage.source)} {passage.start}-{passage.end}, '
            f"score {passage.score:.3f}{note}</b>\n{escape(passage.text)}</div>"
        )
    lines.append("</div>")
    return "\n".join(lines)
