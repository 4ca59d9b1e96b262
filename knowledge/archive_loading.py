"""Loading an archive into an index: the steps of ``pressroom import``, and putting a backup back.

``knowledge.archive`` runs an import: it saves the current index as a backup, names that backup
in a journal (``write_journal``), then loads the archive (``stage_uploads``, ``load_documents``,
``swap_uploads``). When the import fails, or the process dies mid-way, the backup is loaded back
the same way (``restore``); ``recover`` is how the next process finds a killed import's journal
(``knowledge.recovery`` calls it before any other repair).

Everything here runs holding the index's write lock, and uses the writer only through
``Restorable``: this module sits below the writer (the writer's lock calls recovery, which calls
``recover``), so it names what it needs instead of importing it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from knowledge.archive_format import UPLOADS, key, shown, unpack
from knowledge.archive_reading import Archive, checked, read_archive
from knowledge.config import Settings
from knowledge.embedding import Embedder, PassageText, Vector
from knowledge.errors import IngestError, StoreError
from knowledge.types import Document, Progress

JOURNAL = ".import-journal.json"


class Restorable(Protocol):
    """What loading an archive uses of the index's writer (``knowledge.writer.Writer``)."""

    settings: Settings
    embedder: Embedder

    def reset(self) -> None: ...

    def store_document(self, document: Document, progress: Progress | None = None) -> int: ...

    def changed(self) -> None: ...


class _Preloaded(Embedder):
    """The index's embedder, answering from archived vectors for texts it embedded before."""

    def __init__(self, inner: Embedder, vectors: dict[str, bytes]) -> None:
        self.inner, self.table = inner, vectors
        self.name, self.batch_size = inner.name, inner.batch_size
        self.query_prefix, self.passage_prefix = inner.query_prefix, inner.passage_prefix

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        return self.inner.embed_batch(texts)

    def embed_passages(
        self, passages: Sequence[PassageText], progress: Callable[[int], None] | None = None
    ) -> tuple[list[Vector], dict[str, Vector]]:
        found = [self.table.get(key(passage.text)) for passage in passages]
        missing = [passage for passage, packed in zip(passages, found) if packed is None]
        computed, parts = self.inner.embed_passages(missing) if missing else ([], {})
        remaining = iter(computed)
        vectors = [unpack(packed) if packed is not None else list(next(remaining)) for packed in found]
        if progress:
            progress(len(passages))
        return vectors, parts


def write_journal(home: Path, entry: dict[str, str]) -> None:
    """Say that an import is under way, and where its backup is (replaced in one step, never half-written)."""
    temporary = home / f"{JOURNAL}.partial"
    temporary.write_text(json.dumps(entry))
    os.replace(temporary, home / JOURNAL)


def stage_uploads(archive: Archive, home: Path) -> Path:
    """The archive's uploaded files, written to a new folder next to the live one; returns that folder."""
    staged = home / f".import-uploads-{uuid.uuid4().hex[:8]}"
    staged.mkdir(parents=True)
    for name in archive.uploads:
        target = staged / name
        if target.parent != staged:  # upload_name already refuses this; kept as a last line of defence
            raise IngestError(f"{archive.path}: the upload name {shown(name)} is not a plain file name.")
        with open(target, "xb") as out:
            out.writelines(checked(archive, f"{UPLOADS}/{name}"))
    return staged


def swap_uploads(home: Path, staged: Path) -> None:
    """Put the staged uploads folder in the place of the live one."""
    live, old = home / UPLOADS, home / f".import-uploads-old-{uuid.uuid4().hex[:8]}"
    if live.exists():
        os.replace(live, old)
    os.replace(staged, live)
    shutil.rmtree(old, ignore_errors=True)


def load_documents(
    writer: Restorable, documents: Iterator[Document], vectors: dict[str, bytes], progress: Progress | None
) -> None:
    """Empty the index, then store every document, reusing ``vectors`` where they fit; the caller holds the lock."""
    embedder = writer.embedder
    writer.reset()
    writer.embedder = _Preloaded(embedder, vectors)
    try:
        for number, document in enumerate(documents, 1):
            writer.store_document(document, None)
            if progress:
                progress("import", number, 0)
    finally:
        writer.embedder = embedder
    writer.changed()  # other processes see that the store changed


def restore(writer: Restorable, backup: Path) -> None:
    """Load ``backup`` (an archive of the index as it was) back into the index; the caller holds the lock."""
    home = writer.settings.home
    archive = read_archive(backup)
    try:
        vectors = archive.vectors(None) if archive.manifest["model"] == writer.embedder.name else {}
        staged = stage_uploads(archive, home)
        load_documents(writer, archive.documents_in(home), vectors, None)
        swap_uploads(home, staged)
    finally:
        archive.zip.close()
    for leftover in home.glob(".import-uploads-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    (home / JOURNAL).unlink(missing_ok=True)


def recover(writer: Restorable) -> bool:
    """Finish what a killed import left: load its backup back. The caller holds the write lock.

    Returns True when there was something to recover.
    """
    home = writer.settings.home
    journal = home / JOURNAL
    if not journal.exists():
        return False
    try:
        backup = Path(json.loads(journal.read_text())["backup"])
    except (OSError, ValueError, KeyError, TypeError):
        backup = None
    if backup is None or not backup.is_file():
        raise StoreError(
            f"An import into {home} was interrupted and its backup is missing; "
            f"import an archive again (`pressroom import FILE`), or delete {journal} to keep the index as it is."
        )
    restore(writer, backup)
    return True
