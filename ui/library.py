"""The documents panel: what is indexed, adding uploaded files, and removing documents.

Uploads go through ``Index.ingest``, the same code as ``pressroom ingest``. Each upload is first
copied to ``$PRESSROOM_HOME/uploads/`` under its own file name, so the stored path stays valid
after Gradio clears its temporary files, and uploading a file of the same name again replaces the
earlier version instead of adding a second copy.

>>> library = Library(default_index())                                  # doctest: +SKIP
>>> library.add(["/tmp/memo.txt"]).message                              # doctest: +SKIP
'Added “Budget memo”: 3 passages, ready for questions.'
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.index import Index, Progress
from knowledge.sources import SUPPORTED, sha256_bytes
from knowledge.types import SourceInfo
from ui import render
from ui.failures import explain

UPLOADS = "uploads"
STAGES = {"read": "Reading files", "embed": "Indexing passages"}


@dataclass(frozen=True)
class Outcome:
    """What an action did, as one message; ``ok`` is False when nothing could be done."""

    ok: bool
    message: str

    def html(self) -> str:
        return render.notice(self.message, "ok" if self.ok else "error")


def safe_file_name(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no leading dots, no odd characters.

    >>> safe_file_name("../../etc/Report 2024 (final).PDF")
    'Report 2024 (final).PDF'
    """
    base = Path(str(name).replace("\\", "/")).name
    base = re.sub(r"[^\w .()+-]", "_", base, flags=re.UNICODE).strip(" .")
    return base or "document.txt"


class Library:
    """Lists, adds and removes the documents of one ``index``."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.uploads = index.settings.home / UPLOADS

    def sources(self) -> list[SourceInfo]:
        return self.index.sources()

    def table(self) -> str:
        """The documents table as HTML (or a message if the index cannot be read)."""
        try:
            return render.library_table(self.sources())
        except Exception as error:
            return render.notice(explain(error, self.index.settings.home, "listing the documents"), "error")

    def choices(self) -> list[tuple[str, str]]:
        """``(label, source)`` pairs for the removal menu, newest first."""
        try:
            listed = sorted(self.sources(), key=lambda item: item.added, reverse=True)
        except Exception:
            return []  # the table already shows why
        return [(f"{item.title} ({item.source})", item.source) for item in listed]

    def summary(self) -> str:
        """"2 documents · 31 passages", for the header."""
        try:
            listed = self.sources()
        except Exception:
            return "Index unavailable"
        return f"{_count(len(listed), 'document')} · {_count(sum(item.chunks for item in listed), 'passage')}"

    def add(self, uploaded: Sequence[str | Path] | None, progress: Progress | None = None) -> Outcome:
        """Copy the uploaded files into the uploads folder and ingest them; one message about the result."""
        files = [Path(str(path)) for path in (uploaded or []) if path]
        if not files:
            return Outcome(False, "Choose one or more files to add (.txt, .md, .html or .pdf).")
        home = self.index.settings.home
        try:
            stored, refused = self._store_uploads(files)
            if not stored:
                return Outcome(False, " ".join(refused))
            fresh = self._new_or_changed(stored)
            report = self.index.ingest(stored, progress=progress)
            changed = [item for item in self.sources() if item.path in fresh and item.source in report.sources]
        except Exception as error:
            return Outcome(False, explain(error, home, "adding the documents"))
        parts: list[str] = []
        if changed:
            passages = sum(item.chunks for item in changed)
            parts.append(f"Added {_listing([item.title for item in changed])}: {_count(passages, 'passage')}, ready for questions.")
        if report.unchanged:
            parts.append(f"{report.unchanged} file{'s were' if report.unchanged != 1 else ' was'} already indexed, unchanged.")
        folders = {f"{self.uploads}/", f"{self.uploads.resolve()}/"}  # people know their files by name
        problems = refused + [_without(error, folders) for error in report.errors]
        if problems:
            parts.append("Not added: " + " ".join(problems))
        return Outcome(bool(report.added or report.unchanged), " ".join(parts))

    def _store_uploads(self, files: Sequence[Path]) -> tuple[list[Path], list[str]]:
        self.uploads.mkdir(parents=True, exist_ok=True)
        stored: list[Path] = []
        refused: list[str] = []
        for file in files:
            name = safe_file_name(file.name)
            if Path(name).suffix.lower() not in SUPPORTED:
                refused.append(f"{name}: unsupported file type; Pressroom reads {', '.join(SUPPORTED)}.")
                continue
            target = self.uploads / name
            shutil.copyfile(file, target)
            stored.append(target)
        return stored, refused

    def _new_or_changed(self, stored: Sequence[Path]) -> set[str]:
        """Paths (as the index records them) of the files whose content is not indexed yet."""
        indexed = {item.path: item.source for item in self.sources()}
        fresh = set()
        for path in stored:
            key = str(path.resolve())
            source = indexed.get(key)
            if source is None or self.index.get_document(source).sha256 != sha256_bytes(path.read_bytes()):
                fresh.add(key)
        return fresh

    def remove(self, source: str | None) -> Outcome:
        """Remove ``source`` from the index (and its uploaded copy, which Pressroom owns)."""
        if not source:
            return Outcome(False, "Choose a document to remove.")
        home = self.index.settings.home
        try:
            document = self.index.get_document(source)
            chunks = self.index.remove(source)
        except Exception as error:
            return Outcome(False, explain(error, home, "removing the document"))
        copy = Path(document.path)
        if copy.parent == self.uploads and copy.exists():
            copy.unlink()
        return Outcome(True, f"Removed “{document.title}” ({_count(chunks, 'passage')}).")

    def title_of(self, source: str | None) -> str:
        """The title of ``source``, or the id itself when it cannot be looked up."""
        try:
            listed = self.sources() if source else []
        except Exception:
            listed = []
        return next((item.title for item in listed if item.source == source), str(source or ""))


def progress_reporter(tracker: Callable[..., object]) -> Progress:
    """An ``Index.ingest`` progress callback that drives a ``gr.Progress`` tracker."""

    def report(stage: str, done: int, total: int) -> None:
        tracker((done, max(total, 1)), desc=STAGES.get(stage, stage.capitalize()))

    return report


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _without(text: str, prefixes: set[str]) -> str:
    for prefix in prefixes:
        text = text.replace(prefix, "")
    return text


def _listing(titles: Sequence[str]) -> str:
    quoted = [f"“{title}”" for title in titles]
    if len(quoted) <= 3:
        return ", ".join(quoted) or "the files"
    return f"{', '.join(quoted[:3])} and {len(quoted) - 3} more"
