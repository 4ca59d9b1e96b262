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

import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge import Index, IngestReport, Progress, SourceInfo, is_address, sha256_bytes
from ui import render
from ui.failures import explain

UPLOADS = "uploads"
READABLE = "text files of any name, Markdown, HTML, PDF or Word .docx"
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

    def __init__(self, index: Index, private_addresses: bool = True) -> None:
        """``private_addresses=False`` refuses web pages on this machine or its network (a chat served to others)."""
        self.index = index
        self.uploads = index.settings.home / UPLOADS
        self.private_addresses = private_addresses

    def sources(self) -> list[SourceInfo]:
        return self.index.sources()

    def table(self) -> str:
        """The documents table as HTML (or a message if the index cannot be read)."""
        try:
            return render.library_table(self.sources())
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            return render.notice(explain(error, self.index.settings.home, "listing the documents"), "error")

    def choices(self) -> list[tuple[str, str]]:
        """``(label, source)`` pairs for the removal menu, newest first."""
        try:
            listed = sorted(self.sources(), key=lambda item: item.added, reverse=True)
        except Exception:  # noqa: BLE001 - a chat handler: the table beside the menu already shows why
            return []
        return [(f"{item.title} ({item.source})", item.source) for item in listed]

    def summary(self) -> str:
        """ "2 documents · 31 passages", for the header."""
        try:
            listed = self.sources()
        except Exception:  # noqa: BLE001 - the page header: the Library tab shows why
            return "Index unavailable"
        return f"{_count(len(listed), 'document')} · {_count(sum(item.chunks for item in listed), 'passage')}"

    def add(self, uploaded: Sequence[str | Path] | None, progress: Progress | None = None) -> Outcome:
        """Copy the uploaded files into the uploads folder and ingest them; one message about the result.

        Any file may be uploaded: the readers decide by content whether it is text. A copy that was
        not indexed (unreadable, or the same text as a document already there) is not kept, and
        the earlier file of the same name, if its document is still indexed, is put back.
        """
        files = [Path(str(path)) for path in (uploaded or []) if path]
        if not files:
            return Outcome(False, f"Choose one or more files to add ({READABLE}).")
        home = self.index.settings.home
        stored: dict[Path, Path | None] = {}
        try:
            stored = self._store_uploads(files)
            fresh = self._new_or_changed(list(stored))
            report = self.index.ingest(list(stored), progress=progress)
            listed = self.sources()
            self._keep_indexed_copies(stored, report, listed)
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            for copy, earlier in stored.items():  # the index is as it was: so are the uploads
                if earlier is not None and earlier.exists():
                    os.replace(earlier, copy)
            return Outcome(False, explain(error, home, "adding the documents"))
        return self._outcome(report, [item for item in listed if item.path in fresh and item.source in report.sources])

    def add_address(self, address: str | None, progress: Progress | None = None) -> Outcome:
        """Fetch the web page at ``address`` and ingest its main text; one message about the result."""
        address = (address or "").strip()
        if not address:
            return Outcome(False, "Type the address of a web page (https://...) to add it.")
        if not is_address(address):
            return Outcome(False, f"{address}: is not a web address; type one that starts with https:// or http://.")
        try:
            report = self.index.ingest([address], progress=progress, private_addresses=self.private_addresses)
            changed = [item for item in self.sources() if item.source in report.sources] if report.added else []
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            return Outcome(False, explain(error, self.index.settings.home, "adding the page"))
        return self._outcome(report, changed)

    def _outcome(self, report: IngestReport, changed: Sequence[SourceInfo]) -> Outcome:
        """One message for an ingest of uploads or of a page: what was added, already there, or not read."""
        parts: list[str] = []
        if changed:
            passages = sum(item.chunks for item in changed)
            parts.append(
                f"Added {_listing([item.title for item in changed])}: "
                f"{_count(passages, 'passage')}, ready for questions."
            )
        if report.unchanged:
            parts.append(
                f"{report.unchanged} file{'s were' if report.unchanged != 1 else ' was'} already indexed, unchanged."
            )
        folders = {f"{self.uploads}/", f"{self.uploads.resolve()}/"}  # people know their files by name
        parts += [_without(f"{note.path}: {note.note}", folders) for note in report.notes]
        if report.skipped:
            parts.append("Not added: " + " ".join(_without(entry.message, folders) for entry in report.skipped))
        return Outcome(report.read > 0, " ".join(parts))

    def _store_uploads(self, files: Sequence[Path]) -> dict[Path, Path | None]:
        """Copy each upload to the uploads folder; returns each copy with the earlier file it replaced, set aside."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        stored: dict[Path, Path | None] = {}
        for file in files:
            target = self.uploads / safe_file_name(file.name)
            earlier = None
            if target.exists() and target not in stored:
                earlier = target.with_name(f".{target.name}.earlier")
                os.replace(target, earlier)
            shutil.copyfile(file, target)
            stored[target] = stored.get(target) or earlier
        return stored

    def _keep_indexed_copies(
        self, stored: dict[Path, Path | None], report: IngestReport, listed: Sequence[SourceInfo]
    ) -> None:
        """Keep the copies that are indexed now; for the others, put back the earlier file if its
        document is still indexed (the upload was refused), else remove them."""
        indexed_now = {item.path for item in listed if item.source in report.sources}
        indexed = {item.path for item in listed}
        for copy, earlier in stored.items():
            key = str(copy.resolve())
            if key in indexed_now:
                pass
            elif earlier is not None and key in indexed:
                os.replace(earlier, copy)
                continue
            else:
                copy.unlink(missing_ok=True)
            if earlier is not None:
                earlier.unlink(missing_ok=True)

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
        except Exception as error:  # noqa: BLE001 - a chat handler: any failure is a message (explain logs bugs)
            return Outcome(False, explain(error, home, "removing the document"))
        copy = Path(document.path)
        if copy.parent == self.uploads and copy.exists():
            copy.unlink()
        return Outcome(True, f"Removed “{document.title}” ({_count(chunks, 'passage')}).")

    def title_of(self, source: str | None) -> str:
        """The title of ``source``, or the id itself when it cannot be looked up."""
        try:
            listed = self.sources() if source else []
        except Exception:  # noqa: BLE001 - a label in a chat handler: the id does when the index cannot be read
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
