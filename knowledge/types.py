"""Value types shared by the knowledge package and everything built on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[str, int, int], None]  # how far a long job is: (stage, done, total)


@dataclass(frozen=True)
class Document:
    """A stored document: ``text`` is what every ``start``/``end`` offset refers to."""

    source: str
    title: str
    text: str
    path: str
    sha256: str = ""
    page_starts: tuple[int, ...] = ()  # offset of each PDF page in ``text``; empty for other files
    added: str = ""  # ISO time the current version was indexed

    def page_at(self, offset: int) -> int | None:
        """The 1-based PDF page holding ``offset``, or None when the document has no pages."""
        if not self.page_starts:
            return None
        page = 0
        for index, start in enumerate(self.page_starts):
            if start <= offset:
                page = index
        return page + 1


@dataclass(frozen=True)
class Chunk:
    """A piece of a document, cut at sentence boundaries; ``text == document.text[start:end]``."""

    id: str
    source: str
    title: str
    heading: str
    text: str
    start: int
    end: int
    page: int | None = None
    # The vectors of the sentences inside, packed (``knowledge.sentence_vectors.pack_sentences``); empty when
    # the model gave none. The answerer reads them instead of embedding those sentences again.
    sentence_vectors: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its rank score; ``text == get_document(source).text[start:end]``."""

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    heading: str = ""
    page: int | None = None


@dataclass(frozen=True)
class SourceInfo:
    """One indexed document as listed by ``pressroom sources``."""

    source: str
    title: str
    chunks: int
    path: str
    added: str


@dataclass(frozen=True)
class Skipped:
    """A file, folder or address an ingest did not read: ``reason`` in a word or two
    (``IngestError.REASONS``: "binary", "too large", "unreadable", "unsupported format"...), and
    ``message``, one sentence that says what to do."""

    path: str
    reason: str
    message: str


@dataclass(frozen=True)
class Note:
    """Something to know about a file that was read: "same text as apache-2.0", or the encoding assumed."""

    path: str
    note: str


@dataclass
class IngestReport:
    """What one ingest run did; ``embedded`` counts chunks embedded by this run only.

    ``skipped`` has each file not read, with its reason; ``errors`` has the same files' messages
    (kept for scripts written before ``skipped``). ``duplicates`` counts files whose text was
    already indexed under another name (each with a note). ``notes`` are about files that were read.
    """

    files: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    embedded: int = 0
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: int = 0
    notes: list[Note] = field(default_factory=list)

    def skip(self, entry: Skipped) -> None:
        """Record a file that was not read (in ``skipped``, and its message in ``errors``)."""
        self.skipped.append(entry)
        self.errors.append(entry.message)

    @property
    def read(self) -> int:
        """Files read: added or updated, unchanged, or the same text as a document already indexed."""
        return self.added + self.unchanged + self.duplicates

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "added": self.added,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "embedded": self.embedded,
            "errors": list(self.errors),
            "duplicates": self.duplicates,
            "skipped": [{"path": s.path, "reason": s.reason, "message": s.message} for s in self.skipped],
            "notes": [{"path": n.path, "note": n.note} for n in self.notes],
        }
