"""The ``pressroom`` command: ingest, ask, list, remove, reset, chat and evaluate.

Every failure a user can cause ends in one line on stderr and exit code 1; ``--json`` prints
machine-readable results on stdout. Heavy libraries load only inside the commands that need them,
so ``pressroom --help`` stays instant.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Command = Callable[[argparse.Namespace], int]


def one_line(message: str) -> str:
    """``message`` with control characters and line separators (a newline in a file name) written as escapes,
    so it stays one line; so are the bytes of a file name that are not UTF-8 (lone surrogates), which no
    stream may refuse."""
    line = re.sub(
        r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda match: match.group().encode("unicode_escape").decode(), message
    )
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


_PAIRS = {"“": "”", '"': '"', "«": "»", "‘": "’", "'": "'", "„": "“"}


def quoted(text: str) -> str:
    """``text`` between quote marks, unless it is already one quotation in its own marks.

    >>> quoted("The plan was launched."), quoted("“We are ready,” said the minister."), quoted("“We are ready.”")
    ('“The plan was launched.”', '““We are ready,” said the minister.”', '“We are ready.”')
    """
    closer = _PAIRS.get(text[:1])
    body = text.rstrip(".,;:!? ")
    if closer and len(body) > 1 and body.endswith(closer) and closer not in body[1:-1]:
        return text
    return f"“{text}”"


def _print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # An argument or file name that is not UTF-8 reaches Python as lone surrogates: print them as JSON \u escapes.
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def cmd_ingest(args: argparse.Namespace) -> int:
    from knowledge import default_index

    bar = _progress_bar(enabled=not args.json)
    report = default_index().ingest(args.paths, progress=bar.update if bar else None)
    if bar:
        bar.close()
    if args.json:
        _print_json(report.as_dict())
    else:
        print(
            f"{report.read} file(s) read ({report.added} added or updated, {report.unchanged} unchanged, "
            f"{report.duplicates} already indexed under another name), {len(report.skipped)} skipped, "
            f"{report.removed} removed; {report.embedded} chunk(s) embedded."
        )
        for note in report.notes:
            print(f"note: {one_line(note.path)}: {one_line(note.note)}")
        for entry in report.skipped:
            print(f"skipped: {one_line(entry.message)}", file=sys.stderr)
    return 0 if report.read else 1  # each file not read has its line on stderr (or its entry in "skipped")


class _ProgressBar:
    """A tqdm bar on stderr per stage ("read", "embed"); silent when stderr is not a terminal."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._tqdm, self._bars = tqdm, {}  # type: ignore[var-annotated]

    def update(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            label = {"read": "files", "embed": "chunks embedded"}.get(stage, stage)
            bar = self._bars[stage] = self._tqdm(total=total, desc=label, unit="", leave=False, disable=None)
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def _progress_bar(enabled: bool) -> _ProgressBar | None:
    return _ProgressBar() if enabled and sys.stderr.isatty() else None


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant import ask
    from knowledge import flowed

    answer = ask(" ".join(args.question), k=args.k, answerer=args.answerer, rerank=not args.no_rerank)
    if answer.notice:  # e.g. the model was unreachable and the extractive answer was given instead
        print(f"note: {answer.notice}", file=sys.stderr)
    if args.json:
        _print_json(answer.as_dict())
        return 0
    print(answer.text)
    for citation in answer.citations:
        page = f", page {citation.page}" if citation.page else ""
        where = f"{citation.source}{page}, characters {citation.start}-{citation.end}"
        print(f"\n[{citation.marker}] {citation.title} ({where})")
        print(f"    {quoted(flowed(citation.quote))}")
    if answer.uncertain:
        likely = round(100 * (answer.confidence or 0))
        print(f"\nUncertain: about {likely}% likely to answer the question; check the quote.")
        if answer.alternative:
            other = answer.alternative
            print(f"The next best sentence, from {other.title} ({other.source}, characters {other.start}-{other.end}):")
            print(f"    {quoted(flowed(other.quote))}")
    if answer.abstained and answer.passages:
        closest = answer.passages[0]
        print(
            f"\nClosest passage, from {closest.title} ({closest.source}):\n    {' '.join(closest.text.split())[:400]}"
        )
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from knowledge import sources

    listed = sources()
    if args.json:
        _print_json(
            [
                {"source": s.source, "title": s.title, "chunks": s.chunks, "path": s.path, "added": s.added}
                for s in listed
            ]
        )
    elif not listed:
        print("No documents are indexed: run `pressroom ingest PATH` to add some.")
    else:
        for item in listed:
            print(f"{item.source}\t{item.chunks} chunks\t{item.title}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from knowledge import remove

    removed = remove(args.source)
    if args.json:
        _print_json({"source": args.source, "chunks": removed})
    else:
        print(f"Removed {args.source} ({removed} chunks).")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from knowledge import ConfigError, default_index

    index = default_index()
    if not args.yes:
        if not sys.stdin.isatty():
            raise ConfigError("Reset deletes the whole index: run `pressroom reset --yes` to confirm.")
        reply = input(f"Delete every document indexed in {index.settings.home}? Type 'yes' to confirm: ")
        if reply.strip().lower() != "yes":
            print("Nothing was deleted.")
            return 1
    index.reset()
    print(f"The index in {index.settings.home} is now empty.")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from ui.app import serve

    serve(host=args.host, port=args.port, share=args.share)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="Answers questions about your documents, quoting the exact passages it relies on.",
    )
    parser.add_argument("--home", help="data directory (default: $PRESSROOM_HOME or your user data folder)")
    parser.add_argument("--model", help="embedding model (default: $PRESSROOM_MODEL or all-minilm-l6-v2)")
    parser.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 ($PRESSROOM_CHROMA_URL)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest", help="index files, folders and web pages (any text file, .md, .html, .pdf, .docx, https://...)"
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder (read recursively) or a web address")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(run=cmd_ingest)

    ask = commands.add_parser("ask", help="answer a question with cited passages")
    ask.add_argument("question", nargs="+")
    # -k and --answerer are checked by ``assistant.inputs``, with the same messages as the chat's endpoints.
    ask.add_argument("-k", default=5, help="passages to retrieve, 1 to 50 (default 5)")
    ask.add_argument("--answerer", default="extractive", help="how to answer (default: extractive)")
    ask.add_argument(
        "--no-rerank", action="store_true", help="leave out the cross-encoder (the fused ranking, hand-set weights)"
    )
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(run=cmd_ask)

    listing = commands.add_parser("sources", help="list the indexed documents")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_sources)

    remove = commands.add_parser("remove", help="remove a document from the index")
    remove.add_argument("source", help="document id, as listed by `pressroom sources`")
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(run=cmd_remove)

    reset = commands.add_parser("reset", help="empty the index")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(run=cmd_reset)

    chat = commands.add_parser("chat", help="serve the chat and print its address, to open in your browser")
    chat.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    chat.add_argument("--port", type=int, default=7860)
    chat.add_argument("--share", action="store_true", help="also open a public Gradio share link (off by default)")
    chat.set_defaults(run=cmd_chat)

    from ui.archive_cli import add_parsers as add_archive_parsers

    add_archive_parsers(commands)  # export, import
    _add_eval(commands)
    return parser


def _add_eval(commands: Any) -> None:
    try:
        from evals import add_eval_parser
    except ImportError:  # evals is optional in a minimal install
        return
    add_eval_parser(commands)


def _apply_globals(args: argparse.Namespace) -> None:
    for option, variable in (
        ("home", "PRESSROOM_HOME"),
        ("model", "PRESSROOM_MODEL"),
        ("chroma_url", "PRESSROOM_CHROMA_URL"),
    ):
        value = getattr(args, option, None)
        if value:
            os.environ[variable] = value
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code is 0, or 1 with one line on stderr (2 for argparse's usage
    errors, 130 when interrupted).

    A reader that goes away (``pressroom sources | head -1``) ends the command quietly with 0, as
    Unix tools do: the output is flushed here, so a closed pipe shows up inside this function.
    """
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail again (the Python docs' recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (output captured in memory): nothing is left to flush
        pass


def _run(argv: Sequence[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed with \x escapes, never refused
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    args = build_parser().parse_args(argv)
    _apply_globals(args)
    _show_notes()
    from knowledge import PressroomError

    try:
        return int(args.run(args))
    except PressroomError as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "error: interrupted; the index keeps what was completed, run the command again to finish.", file=sys.stderr
        )
        return 130
    except BrokenPipeError:
        raise  # the reader went away: not a failure (see ``main``)
    except Exception as error:  # noqa: BLE001 - the command line's top: a bug is logged, the person gets one line
        log = _log_failure()
        print(
            f"error: unexpected failure ({type(error).__name__}); details are in {log}. Please report it.",
            file=sys.stderr,
        )
        return 1


class _Notes(logging.Handler):
    """Pressroom's notes to the person (``pressroom.notes``: a wait for another writer) as ``note:`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"note: {one_line(record.getMessage())}", file=sys.stderr, flush=True)
        except (OSError, ValueError):  # stderr closed: the note is not needed
            pass


def _show_notes() -> None:
    notes = logging.getLogger("pressroom.notes")
    if not any(isinstance(handler, _Notes) for handler in notes.handlers):
        notes.addHandler(_Notes())


def _log_failure() -> Path:
    from knowledge import default_home

    folder = default_home() / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "pressroom.log"
        logging.basicConfig(filename=path, level=logging.ERROR)
        logging.getLogger("pressroom").error("unexpected failure\n%s", traceback.format_exc())
        return path
    except OSError:
        return Path("(log unavailable)")


if __name__ == "__main__":
    raise SystemExit(main())
