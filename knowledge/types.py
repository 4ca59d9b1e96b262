"""Value types shared by the knowledge package and everything built on it."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class IngestReport:
    """What one ingest run did; ``embedded`` counts chunks embedded by this run only."""

    files: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    embedded: int = 0
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "added": self.added,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "embedded": self.embedded,
            "errors": list(self.errors),
        }
