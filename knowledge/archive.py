"""One-file backups of an index: ``pressroom export FILE`` and ``pressroom import FILE``.

An archive is a zip of plain entries: documents, vectors and uploaded files (see
``knowledge.archive_format``; ``knowledge.archive_reading`` checks every archive before it is
used, and ``knowledge.archive_loading`` loads one into the index). Chunks are
not archived: the import cuts each document again, with the chunker of the importing version,
so chunk offsets always match the text; vectors are reused when the model and the embedded
text are the same, and computed otherwise.

An import replaces the whole index, and never loses it on the way:

1. the archive is read and checked from end to end before anything is written;
2. under the index's write lock, the current index is exported to
   ``PRESSROOM_HOME/backups/before-import-<time>.zip`` and a journal names that backup;
3. the index is emptied and filled from the archive, then checked;
4. the journal is removed: the import is done, and only the last ``KEEP_BACKUPS`` backups are kept.

If step 3 fails, the backup is loaded back before the error is reported; if the process dies
(power cut, SIGKILL), the next Pressroom process that opens the index finds the journal and
loads the backup back (``knowledge.archive_loading.recover``). The backup is kept, and named, after a successful import;
older ones go once there are more than ``KEEP_BACKUPS``.

>>> export_archive(default_index(), Path("pressroom-backup.zip"))          # doctest: +SKIP
ArchiveSummary(path=..., documents=12, chunks=318, uploads=2, bytes=1733120)
>>> import_archive(default_index(), Path("pressroom-backup.zip"))          # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.archive_format import (
    BLOCK,
    DOCUMENTS,
    FORMAT,
    MANIFEST,
    UPLOADS,
    VECTORS,
    VERSION,
    Member,
    document_entry,
    json_line,
    key,
    pack,
    upload_name,
)
from knowledge.archive_loading import (
    JOURNAL,
    load_documents,
    restore,
    stage_uploads,
    swap_uploads,
    write_journal,
)
from knowledge.archive_reading import read_archive
from knowledge.chunking import CHUNKER_VERSION, embedding_text
from knowledge.embedding import Vector
from knowledge.errors import ConfigError, PressroomError, StoreError
from knowledge.types import Progress
from knowledge.writer import INITIALIZED, Writer

if TYPE_CHECKING:
    from knowledge.index import Index

BACKUPS = "backups"
KEEP_BACKUPS = 5  # the backups an import keeps in PRESSROOM_HOME/backups (the README says so)


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export wrote or an import read."""

    path: Path
    documents: int
    chunks: int
    uploads: int
    bytes: int
    backup: Path | None = None  # import only: the previous index, saved before it was replaced

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "file": str(self.path),
            "documents": self.documents,
            "chunks": self.chunks,
            "uploads": self.uploads,
            "bytes": self.bytes,
        }
        if self.backup is not None:
            data["backup"] = str(self.backup)
        return data


def export_archive(index: Index, path: Path, overwrite: bool = False) -> ArchiveSummary:
    """Write the whole index (documents, vectors, uploaded files) to the zip file ``path``.

    The archive is written next to ``path`` under a temporary name and renamed when complete, so
    ``path`` is never a half-written file. Other processes may keep reading the index meanwhile;
    writers wait for the export to finish.
    """
    path = Path(path).expanduser()
    try:
        if path.is_dir():
            raise ConfigError(
                f"{path} is a folder: name the archive file to write, e.g. {path / 'pressroom-backup.zip'}."
            )
        if path.exists() and not path.is_file():  # a device (/dev/null), a pipe, a socket: --force must not replace it
            raise ConfigError(
                f"{path} is not a regular file: name the archive file to write, e.g. pressroom-backup.zip."
            )
        if path.exists() and not overwrite:
            raise ConfigError(f"{path} already exists: choose another name, or pass --force to replace it.")
        if not path.parent.is_dir():
            raise ConfigError(
                f"The folder {path.parent} does not exist: create it or choose another place for the archive."
            )
    except OSError as error:  # a name too long, a loop of links...
        raise ConfigError(
            f"{path}: cannot be written ({error.strerror or error}); choose another name for the archive."
        ) from None
    index.ensure_default()
    with index.writer.writing():
        return _write_archive(index.writer, path)


def _write_archive(writer: Writer, path: Path) -> ArchiveSummary:
    """The archive of the index ``writer`` writes, at ``path``; the caller holds the write lock."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    checksums: dict[str, str] = {}
    sizes: dict[str, int] = {}
    uploads = _uploaded_files(writer.settings.home / UPLOADS)
    try:
        with zipfile.ZipFile(
            temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True
        ) as archive:
            records = writer.store.document_records()
            with Member(archive, DOCUMENTS, checksums, sizes) as out:
                for record in records:
                    document = writer.store.get_document(record.source)
                    if document is not None:
                        out.write(json_line(document_entry(document)))
            chunks = 0
            with Member(archive, VECTORS, checksums, sizes) as out:
                for text_key, vector in _stored_vectors(writer):
                    out.write(json_line({"key": text_key, "vector": pack(vector)}))
                    chunks += 1
            for upload in uploads:
                with Member(archive, f"{UPLOADS}/{upload.name}", checksums, sizes) as out, upload.open("rb") as source:
                    shutil.copyfileobj(source, out, BLOCK)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "home": str(writer.settings.home.resolve()),
                "model": writer.embedder.name,
                "chunker": CHUNKER_VERSION,
                "documents": len(records),
                "vectors": chunks,
                "uploads": [upload.name for upload in uploads],
                "entries": {name: {"sha256": checksums[name], "bytes": sizes[name]} for name in checksums},
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise StoreError(
            f"Cannot write the archive {path} ({error.strerror or error}); check the disk and try again."
        ) from None
    finally:
        temporary.unlink(missing_ok=True)
    return ArchiveSummary(path, len(records), chunks, len(uploads), path.stat().st_size)


def _stored_vectors(writer: Writer) -> Iterator[tuple[str, Vector]]:
    """``(sha256 of the embedded text, vector)`` for every chunk of this model, a page at a time."""
    ids = sorted(writer.store.chunk_ids())
    for offset in range(0, len(ids), 1000):
        page = ids[offset : offset + 1000]
        chunks, vectors = writer.store.get_chunks(page), writer.store.vectors(page)
        for chunk_id in page:
            if chunk_id in chunks and chunk_id in vectors:
                yield key(embedding_text(chunks[chunk_id])), vectors[chunk_id]


def _uploaded_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and upload_name(p.name))


def import_archive(index: Index, path: Path, progress: Progress | None = None) -> ArchiveSummary:
    """Replace everything in ``index`` with the archive ``path`` (see the module's docstring).

    Raises an ``IngestError`` for an archive that cannot be used (the index is untouched), or a
    ``PressroomError`` saying that the previous index was restored when loading failed.
    """
    archive = read_archive(path)
    writer = index.writer
    home = writer.settings.home
    try:
        with writer.writing():
            writer.open_store(first_use=False)  # a fresh home: made here; its bundled release would be replaced at once
            dimension = len(writer.embedder.embed_query("dimension"))
            vectors = archive.vectors(dimension) if archive.manifest["model"] == writer.embedder.name else {}
            if vectors and len(next(iter(vectors.values()))) != 4 * dimension:
                vectors = {}  # the same name, another size: computed again rather than trusted
            backup = _backup(writer)
            write_journal(home, {"backup": str(backup), "archive": str(Path(path).resolve()), "started": _now()})
            try:
                staged = stage_uploads(archive, home)
                load_documents(writer, archive.documents_in(home), vectors, progress)
                swap_uploads(home, staged)
                _verify(writer, archive.documents)
                (home / INITIALIZED).write_text(f"Imported from {Path(path).name} on {_now()}.\n")
            except BaseException as error:
                if not isinstance(error, Exception):  # Ctrl+C: the journal stays, the next process restores
                    raise
                _restore_or_explain(writer, backup, error)
                if isinstance(error, PressroomError):
                    raise type(error)(f"The import failed and the previous index was restored: {error}") from None
                raise StoreError(
                    f"The import failed ({_reason(error)}) and the previous index was restored from {backup}; "
                    "check the disk and try again."
                ) from None
            (home / JOURNAL).unlink(missing_ok=True)
            _prune_backups(home / BACKUPS, KEEP_BACKUPS)
    finally:
        archive.zip.close()
    chunks = writer.store.chunk_count()
    return ArchiveSummary(
        Path(path), archive.documents, chunks, len(archive.uploads), Path(path).stat().st_size, backup
    )


def _backup(writer: Writer) -> Path:
    """The index as it is, exported to a new backup file; the caller holds the write lock."""
    folder = writer.settings.home / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"before-import-{stamp}-{uuid.uuid4().hex[:6]}.zip"
    _write_archive(writer, path)
    return path


def _prune_backups(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest backups an import made (other files in the folder are left alone)."""
    made = sorted(folder.glob("before-import-*.zip"), key=lambda path: (path.stat().st_mtime_ns, path.name))
    for old in made[:-keep] if keep > 0 else made:
        old.unlink(missing_ok=True)


def _verify(writer: Writer, documents: int) -> None:
    records = writer.store.document_records()
    stored, lexical = writer.store.chunk_ids(), writer.lexical.ids()
    if len(records) != documents or sum(r.chunks for r in records) != len(stored) or stored != lexical:
        raise StoreError("The imported index does not hold what the archive holds.")


def _restore_or_explain(writer: Writer, backup: Path, error: BaseException) -> None:
    """Load the backup back after a failed import, or say where it is when even that fails."""
    try:
        restore(writer, backup)
    # Any failure at all (the disk, a bug): the message must still say where the previous index is saved.
    except Exception as failure:  # noqa: BLE001
        reason = (
            failure.strerror
            if isinstance(failure, OSError) and failure.strerror
            else str(failure) or type(failure).__name__
        )
        raise StoreError(
            f"The import failed ({_reason(error)}) and so did restoring the previous index ({reason}); "
            f"it is saved in {backup} and will be restored the next time Pressroom opens this index."
        ) from None


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) if isinstance(error, PressroomError) else type(error).__name__


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
