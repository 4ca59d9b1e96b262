"""Plain-text reports: the score table printed in the terminal, and ``report.md``.

Both take the reports of one dataset, one per system (Pressroom, and the baseline when asked),
and put the systems side by side.

>>> print(terminal_table([pressroom_report, baseline_report]))    # doctest: +SKIP
release: 61 questions (48 answerable, 13 not), k=5
metric                   pressroom  baseline
hit@1                        0.812     0.604
...
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evals.report import METRICS, Report, format_value
from evals.scoring import QuestionResult


def heading(reports: Sequence[Report]) -> str:
    """One line naming the dataset and its size, e.g. ``release: 61 questions (48 answerable, 13 not), k=5``."""
    scores = reports[0].scores
    return (
        f"{reports[0].dataset}: {scores.questions} questions ({scores.answerable} answerable, "
        f"{scores.unanswerable} not), k={reports[0].k}"
    )


def depth_notes(reports: Sequence[Report]) -> list[str]:
    """A note for each system that retrieved fewer than k passages, whose @k scores therefore count fewer."""
    notes = []
    for report in reports:
        depth = max((len(result.passages) for result in report.results), default=0)
        if 0 < depth < report.k:
            notes.append(
                f"{report.system} retrieves at most {depth} passages, so its @{report.k} scores count {depth}."
            )
    return notes


def score_rows(reports: Sequence[Report]) -> list[list[str]]:
    """The table as rows of cells: a header row, then one row per metric."""
    rows = [["metric", *(report.system for report in reports)]]
    for metric in METRICS:
        label = metric.label.replace("@k", f"@{reports[0].k}")
        rows.append([label, *(format_value(getattr(r.scores, metric.key), metric.unit) for r in reports)])
    return rows


def kind_rows(reports: Sequence[Report]) -> list[list[str]]:
    """Right outcomes per kind of question ("who", "when", ..., "unanswerable"), e.g. ``7/8``, one column per system."""
    kinds = list(dict.fromkeys(result.kind for result in reports[0].results))
    rows = [["kind", *(report.system for report in reports)]]
    for kind in kinds:
        cells = []
        for report in reports:
            of_kind = [result for result in report.results if result.kind == kind]
            cells.append(f"{sum(1 for result in of_kind if result.correct)}/{len(of_kind)}")
        rows.append([kind, *cells])
    return rows


PAIR_METRICS = ("hit_at_1", "hit_at_k", "mrr", "accuracy", "abstention_recall", "abstention_precision")


def pair_rows(reports: Sequence[Report]) -> list[list[str]]:
    """Scores per language pair ("fr→en": French question, English source), one column per system and metric.

    Empty when the dataset's items name no pair.
    """
    pairs = [report.pair_scores() for report in reports]
    if not pairs[0]:
        return []
    labels = {metric.key: metric.label.replace("@k", f"@{reports[0].k}") for metric in METRICS}
    several = len(reports) > 1
    rows = [
        [
            "pair",
            "questions",
            *(f"{labels[key]}{f' ({r.system})' if several else ''}" for r in reports for key in PAIR_METRICS),
        ]
    ]
    for pair, scores in pairs[0].items():
        cells = [format_value(getattr(by_pair[pair], key), "share") for by_pair in pairs for key in PAIR_METRICS]
        rows.append([pair, str(scores.questions), *cells])
    return rows


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join([row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])])
        for row in rows
    ]


FAILURES = ("retrieval miss", "wrong sentence picked", "wrong abstention", "false answer", "error")


def failure_rows(report: Report) -> list[list[str]]:
    """The wrong outcomes of one system grouped by cause: cause, how many, and which questions."""
    rows = [["cause", "questions", "ids"]]
    for cause in FAILURES:
        ids = [result.id for result in report.results if result.failure == cause]
        if ids:
            rows.append([cause, str(len(ids)), " ".join(ids)])
    return rows


def terminal_table(reports: Sequence[Report]) -> str:
    """The scores of every system on one dataset as aligned columns, for the terminal."""
    lines = [heading(reports), *_aligned(score_rows(reports))]
    pairs = pair_rows(reports)
    if pairs:
        lines += ["by language pair (question→source):", *_aligned(pairs)]
    seconds = ", ".join(f"{r.system} {r.seconds:.1f} s" for r in reports)
    lines.append(f"time to answer and score every question: {seconds}")
    return "\n".join(lines + depth_notes(reports))


# Characters that are markup anywhere in a line; "(", "#", "+" only matter after "]" or at a line start.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def escape(text: str) -> str:
    """``text`` on one line, with every character Markdown could read as markup escaped.

    >>> escape("a *b* | `c`\\nd")
    'a \\\\*b\\\\* \\\\| \\\\`c\\\\` d'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown(reports: Sequence[Report]) -> str:
    """``report.md``: the score table, then every failed question of each system with what it was given."""
    rows = score_rows(reports)
    parts = [f"# Evaluation: {escape(heading(reports))}", "", f"Started {reports[0].started}.", ""]
    parts.append("| " + " | ".join(rows[0]) + " |")
    parts.append("|---|" + "---:|" * (len(rows[0]) - 1))
    parts.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows[1:])
    parts.extend(["", *(escape(note) for note in depth_notes(reports))] if depth_notes(reports) else [])
    kinds = kind_rows(reports)
    parts += ["", "Right outcomes by kind of question (an answer with an accepted form, or a rightful abstention):", ""]
    parts.append("| " + " | ".join(kinds[0]) + " |")
    parts.append("|---|" + "---:|" * (len(kinds[0]) - 1))
    parts.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in kinds[1:])
    pairs = pair_rows(reports)
    if pairs:
        parts += ["", "Scores by language pair (question language → source language):", ""]
        parts.append("| " + " | ".join(escape(cell) for cell in pairs[0]) + " |")
        parts.append("|---|" + "---:|" * (len(pairs[0]) - 1))
        parts.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in pairs[1:])
    for report in reports:
        parts += ["", f"## Failed questions: {report.system} ({len(report.failures)} of {report.scores.questions})", ""]
        causes = failure_rows(report)
        if len(causes) > 1:
            parts += ["Wrong outcomes by cause:", "", "| cause | questions | ids |", "|---|---:|---|"]
            parts.extend("| " + " | ".join(escape(cell) for cell in row) + " |" for row in causes[1:])
            parts.append("")
        if not report.failures:
            parts.append("None.")
        for result in report.failures:
            parts.extend(_failure(result))
    return "\n".join(parts) + "\n"


def _failure(result: QuestionResult) -> list[str]:
    expected = escape(" / ".join(result.expected)) if result.expected else "an abstention (the documents do not say)"
    lines = [
        f"### {escape(result.id)}: {escape(result.question)}",
        "",
        f"- problems: {escape(', '.join(result.problems))}",
        f"- answer given: {escape(result.answer or result.error or '(none)')}",
        f"- expected: {expected}",
    ]
    if result.support:
        lines.append(f"- support ({escape(result.source)}): {escape(' … '.join(result.support))}")
    if result.notes:
        lines.append(f"- notes of the system: {escape('; '.join(result.notes))}")
    for citation in result.citations:
        checks = ("valid" if citation.valid else "INVALID") + (
            ", supports" if citation.supports else ", does not support"
        )
        lines.append(
            f"- citation \\[{citation.marker}\\] {escape(citation.source)} {citation.start}-{citation.end} ({checks})"
        )
    lines.append("- retrieved passages:")
    for passage in result.passages:
        mark = " **holds support**" if passage.supports else ""
        lines.append(
            f"  {passage.rank}. {escape(passage.source)} {passage.start}-{passage.end}, "
            f"score {passage.score:.3f}{mark}: {escape(passage.text)}"
        )
    lines.append("")
    return lines
