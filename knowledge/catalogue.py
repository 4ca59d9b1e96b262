"""The document catalogue: which documents are indexed, their stored texts, and the names a question
can call them by (file names, title initials: ``knowledge.naming``).

Documents read are kept in the writer's ``DocumentCache`` (this process's writes forget the ones
they replace); the names are read again whenever the store's revision has changed.
"""

from __future__ import annotations

from knowledge.errors import NotFoundError
from knowledge.naming import DocumentNames
from knowledge.text import terms
from knowledge.types import Document, Passage, SourceInfo
from knowledge.writer import Writer


class DocumentCatalogue:
    """The documents of the index that ``writer`` writes, as readers see them."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._names: tuple[str, DocumentNames] | None = None  # the documents' names, and the revision they are of

    def sources(self) -> list[SourceInfo]:
        """Every indexed document."""
        self.writer.ensure_default()
        return [
            SourceInfo(record.source, record.title, record.chunks, record.path, record.added)
            for record in self.writer.store.document_records()
        ]

    def get_document(self, source: str, fresh: bool = False) -> Document:
        """The stored document; ``fresh`` skips the cache (another process may have replaced it)."""
        if not fresh:
            cached = self.writer.documents.get(source)
            if cached is not None:
                return cached
        self.writer.ensure_default()
        document = self.writer.store.get_document(source)
        if document is None:
            raise NotFoundError(f"No document {source!r} is indexed; see `pressroom sources` for the ids.")
        self.writer.documents.keep(document)
        return document

    def document_of(self, passage: Passage) -> Document:
        """The document a passage was cut from, as stored when the passage was retrieved."""
        document = self.get_document(passage.source)
        if document.text[passage.start : passage.end] != passage.text:
            document = self.get_document(passage.source, fresh=True)
        return document

    def named_sources(self, question: str) -> list[str]:
        """The indexed documents that ``question`` names by file name or title initials (``knowledge.naming``)."""
        return self._document_names().named_in(question)

    def without_names(self, question: str) -> str:
        """``question`` with the names of the documents it names blanked out (``DocumentNames.without_names``)."""
        return self._document_names().without_names(question)

    def _document_names(self) -> DocumentNames:
        """The names of the indexed documents, read again when the store has changed since."""
        revision = self.writer.revision
        if self._names is None or self._names[0] != revision:
            records = self.writer.store.document_records()
            self._names = (revision, DocumentNames(((r.source, r.title) for r in records), self._used_elsewhere))
        return self._names[1]

    def _used_elsewhere(self, words: frozenset[str], source: str) -> bool:
        """Whether another document's text holds one of ``words`` (then a name of ``source`` is a topic too).

        Only plain words are looked up: a coined one that mixes letters and digits ("cc0") is a name.
        """
        plain = [word for word in words if word.isalpha()]
        return any(self.writer.lexical.used_outside(term, source) for word in plain for term in terms(word))
