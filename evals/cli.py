"""``pressroom eval``: score the answers against known facts and write the reports.

    pressroom eval                                  # release and licenses
    pressroom eval --dataset release-dev -k 8
    pressroom eval --dataset my-questions.jsonl     # against the documents you indexed
    pressroom eval --baseline                       # with the LangChain recipe side by side

``ui/cli.py`` calls ``add_eval_parser`` (exported by ``evals``) when the package is installed. Only
argparse is imported here, so ``pressroom --help`` stays instant; the work happens in ``evals.suite``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``eval`` command to the ``pressroom`` sub-command parsers."""
    from evals.dataset import NAMED  # light: no model, no store

    parser = subparsers.add_parser(
        "eval",
        help="score answers against known facts (release and licences) and write reports",
        description="Ask every question of a dataset, score the answers, print a table and write "
        "report.json, report.md and report.html under PRESSROOM_HOME/evals/.",
    )
    parser.add_argument(
        "--dataset",
        action="append",
        metavar="NAME|PATH",
        help=f"{', '.join(NAMED)}, or a .jsonl file; repeat for several (default: release and licenses)",
    )
    parser.add_argument("-k", type=int, default=5, help="passages to retrieve per question (default 5)")
    parser.add_argument("--answerer", default="extractive", help="how Pressroom answers (default: extractive)")
    parser.add_argument("--baseline", action="store_true", help="also run the textbook LangChain recipe, side by side")
    parser.add_argument("--no-rerank", action="store_true", help="score Pressroom without its cross-encoder")
    parser.add_argument(
        "--without-rerank", action="store_true", help="also score Pressroom without its cross-encoder, side by side"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON instead of tables")
    parser.set_defaults(run=cmd_eval)
    return parser


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from evals.dataset import DEFAULT, load_dataset
    from evals.suite import evaluate
    from evals.text_report import terminal_table
    from knowledge import check_k

    check_k(args.k)
    datasets = [load_dataset(name) for name in args.dataset or DEFAULT]  # every file is checked before any work
    progress = _Progress() if sys.stderr.isatty() and not args.json else None
    summary = []
    for dataset in datasets:
        evaluation = evaluate(
            dataset,
            k=args.k,
            answerer=args.answerer,
            baseline=args.baseline,
            progress=progress.update if progress else None,
            rerank=not args.no_rerank,
            without_rerank=args.without_rerank,
        )
        if progress:
            progress.clear()
        report_path = evaluation.folder / "report.html"
        summary.append(
            {
                "dataset": dataset.name,
                "folder": str(evaluation.folder),
                "scores": {report.system: asdict(report.scores) for report in evaluation.reports},
            }
        )
        if not args.json:
            print(terminal_table(evaluation.reports))
            print(f"reports: {report_path} (and report.md, report.json)\n")
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0


class _Progress:
    """``release · pressroom 12/61`` on one line of the terminal, rewritten in place."""

    def update(self, system: str, done: int, total: int) -> None:
        print(f"\r{system}: {done}/{total} questions", end="", file=sys.stderr, flush=True)

    def clear(self) -> None:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
