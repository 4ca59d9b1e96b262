"""One-file backups of an index: ``pressroom export FILE`` and ``pressroom import FILE``.

An archive is a zip of plain entries: documents, vectors and uploaded files (see
``knowledge.archive_format``, which also checks every archive before it is used). Chunks are
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
loads the backup back (``recover``). The backup is kept, and named, after a successful import;
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
from collections.abc import Callable, Iterator, Sequence
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
    Archive,
    Member,
    checked,
    document_entry,
    json_line,
    key,
    pack,
    read_archive,
    shown,
    unpack,
    upload_name,
)
from knowledge.chunking import CHUNKER_VERSION, embedding_text
from knowledge.embedding import Embedder, PassageText, Vector
from knowledge.errors import ConfigError, IngestError, PressroomError, StoreError
from knowledge.types import Document

if TYPE_CHECKING:  # knowledge.index imports this module lazily, to recover an interrupted import
    from knowledge.index import Index

JOURNAL = ".import-journal.json"
BACKUPS = "backups"
KEEP_BACKUPS = 5  # the backups an import keeps in PRESSROOM_HOME/backups (the README says so)
Progress = Callable[[str, int, int], None]


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
    with index._writing():
        return _write_archive(index, path)


def _write_archive(index: Index, path: Path) -> ArchiveSummary:
    """The archive of ``index`` at ``path``; the caller holds the write lock."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    checksums: dict[str, str] = {}
    sizes: dict[str, int] = {}
    uploads = _uploaded_files(index.settings.home / UPLOADS)
    try:
        with zipfile.ZipFile(
            temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True
        ) as archive:
            records = index.store.document_records()
            with Member(archive, DOCUMENTS, checksums, sizes) as out:
                for record in records:
                    document = index.store.get_document(record.source)
                    if document is not None:
                        out.write(json_line(document_entry(document)))
            chunks = 0
            with Member(archive, VECTORS, checksums, sizes) as out:
                for text_key, vector in _stored_vectors(index):
                    out.write(json_line({"key": text_key, "vector": pack(vector)}))
                    chunks += 1
            for upload in uploads:
                with Member(archive, f"{UPLOADS}/{upload.name}", checksums, sizes) as out, upload.open("rb") as source:
                    shutil.copyfileobj(source, out, BLOCK)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "home": str(index.settings.home.resolve()),
                "model": index.embedder.name,
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


def _stored_vectors(index: Index) -> Iterator[tuple[str, Vector]]:
    """``(sha256 of the embedded text, vector)`` for every chunk of this model, a page at a time."""
    ids = sorted(index.store.chunk_ids())
    for offset in range(0, len(ids), 1000):
        page = ids[offset : offset + 1000]
        chunks, vectors = index.store.get_chunks(page), index.store.vectors(page)
        for chunk_id in page:
            if chunk_id in chunks and chunk_id in vectors:
                yield key(embedding_text(chunks[chunk_id])), vectors[chunk_id]


def _uploaded_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and upload_name(p.name))


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


def import_archive(index: Index, path: Path, progress: Progress | None = None) -> ArchiveSummary:
    """Replace everything in ``index`` with the archive ``path`` (see the module's docstring).

    Raises an ``IngestError`` for an archive that cannot be used (the index is untouched), or a
    ``PressroomError`` saying that the previous index was restored when loading failed.
    """
    archive = read_archive(path)
    home = index.settings.home
    try:
        with index._writing():
            index._open(first_use=False)  # a fresh home: made here; its bundled release would be replaced at once
            dimension = len(index.embedder.embed_query("dimension"))
            vectors = archive.vectors(dimension) if archive.manifest["model"] == index.embedder.name else {}
            if vectors and len(next(iter(vectors.values()))) != 4 * dimension:
                vectors = {}  # the same name, another size: computed again rather than trusted
            backup = _backup(index)
            _write_journal(home, {"backup": str(backup), "archive": str(Path(path).resolve()), "started": _now()})
            try:
                staged = _stage_uploads(archive, home)
                _load(index, archive.documents_in(home), vectors, progress)
                _swap_uploads(home, staged)
                _verify(index, archive.documents)
                (home / ".initialized").write_text(f"Imported from {Path(path).name} on {_now()}.\n")
            except BaseException as error:
                if not isinstance(error, Exception):  # Ctrl+C: the journal stays, the next process restores
                    raise
                _restore_or_explain(index, backup, error)
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
    return ArchiveSummary(
        Path(path), archive.documents, _chunks(index), len(archive.uploads), Path(path).stat().st_size, backup
    )


def _backup(index: Index) -> Path:
    folder = index.settings.home / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"before-import-{stamp}-{uuid.uuid4().hex[:6]}.zip"
    _write_archive(index, path)
    return path


def _prune_backups(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest backups an import made (other files in the folder are left alone)."""
    made = sorted(folder.glob("before-import-*.zip"), key=lambda path: (path.stat().st_mtime_ns, path.name))
    for old in made[:-keep] if keep > 0 else made:
        old.unlink(missing_ok=True)


def _write_journal(home: Path, entry: dict[str, str]) -> None:
    temporary = home / f"{JOURNAL}.partial"
    temporary.write_text(json.dumps(entry))
    os.replace(temporary, home / JOURNAL)


def _stage_uploads(archive: Archive, home: Path) -> Path:
    staged = home / f".import-uploads-{uuid.uuid4().hex[:8]}"
    staged.mkdir(parents=True)
    for name in archive.uploads:
        target = staged / name
        if target.parent != staged:  # upload_name already refuses this; kept as a last line of defence
            raise IngestError(f"{archive.path}: the upload name {shown(name)} is not a plain file name.")
        with open(target, "xb") as out:
            out.writelines(checked(archive, f"{UPLOADS}/{name}"))
    return staged


def _swap_uploads(home: Path, staged: Path) -> None:
    live, old = home / UPLOADS, home / f".import-uploads-old-{uuid.uuid4().hex[:8]}"
    if live.exists():
        os.replace(live, old)
    os.replace(staged, live)
    shutil.rmtree(old, ignore_errors=True)


def _load(index: Index, documents: Iterator[Document], vectors: dict[str, bytes], progress: Progress | None) -> None:
    """Empty the index, then store every document; the caller holds the write lock."""
    embedder = index.embedder
    index.reset()
    index.embedder = _Preloaded(embedder, vectors)
    try:
        for number, document in enumerate(documents, 1):
            index._store_document(document, None)
            if progress:
                progress("import", number, 0)
    finally:
        index.embedder = embedder
    changed = getattr(index, "_changed", None)
    if changed is not None:
        changed()  # other processes see that the store changed


def _verify(index: Index, documents: int) -> None:
    records = index.store.document_records()
    stored, lexical = index.store.chunk_ids(), index.lexical.ids()
    if len(records) != documents or sum(r.chunks for r in records) != len(stored) or stored != lexical:
        raise StoreError("The imported index does not hold what the archive holds.")


def _chunks(index: Index) -> int:
    return index.store.chunk_count()


def _restore_or_explain(index: Index, backup: Path, error: BaseException) -> None:
    try:
        _restore(index, backup)
    except Exception as failure:
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


def _restore(index: Index, backup: Path) -> None:
    """Load ``backup`` (an archive of the index as it was) back into ``index``; the caller holds the lock."""
    home = index.settings.home
    archive = read_archive(backup)
    try:
        vectors = archive.vectors(None) if archive.manifest["model"] == index.embedder.name else {}
        staged = _stage_uploads(archive, home)
        _load(index, archive.documents_in(home), vectors, None)
        _swap_uploads(home, staged)
    finally:
        archive.zip.close()
    for leftover in home.glob(".import-uploads-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    (home / JOURNAL).unlink(missing_ok=True)


def recover(index: Index) -> bool:
    """Finish what a killed import left: load its backup back. The caller holds the write lock.

    Returns True when there was something to recover.
    """
    home = index.settings.home
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
    _restore(index, backup)
    return True


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
