"""One-file backups of an index: ``pressroom export FILE`` and ``pressroom import FILE``.

An archive is a zip file that holds what the index is made of, in plain formats:

    manifest.json      format, version, counts, the model of the vectors, a sha256 per entry
    documents.jsonl    one stored document per line: the text every offset points into, and its facts
    vectors.jsonl      the chunk vectors of the exporting model, keyed by the sha256 of the text embedded
    uploads/NAME       the files added through the chat, which Pressroom keeps under PRESSROOM_HOME

Nothing else is accepted, so an archive cannot name a place to write: entry names are checked
against that list (no folders, no ``..``, no links) and upload names must be plain file names.
Chunks are not archived: the import cuts each document again, with the chunker of the importing
version, so chunk offsets always match the text; vectors are reused when the model and the
embedded text are the same, and computed otherwise.

An import replaces the whole index, and never loses it on the way:

1. the archive is read and checked from end to end before anything is written;
2. under the index's write lock, the current index is exported to
   ``PRESSROOM_HOME/backups/before-import-<time>.zip`` and a journal names that backup;
3. the index is emptied and filled from the archive, then checked;
4. the journal is removed: the import is done.

If step 3 fails, the backup is loaded back before the error is reported; if the process dies
(power cut, SIGKILL), the next Pressroom process that opens the index finds the journal and
loads the backup back (``recover``). The backup is kept, and named, after a successful import.

>>> export_archive(default_index(), Path("pressroom-backup.zip"))          # doctest: +SKIP
ArchiveSummary(path=..., documents=12, chunks=318, uploads=2, bytes=1733120)
>>> import_archive(default_index(), Path("pressroom-backup.zip"))          # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import shutil
import sys
import uuid
import zipfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.chunking import CHUNKER_VERSION, chunk_document, embedding_text
from knowledge.embedding import Embedder, Vector
from knowledge.errors import ConfigError, IngestError, PressroomError, StoreError
from knowledge.sources import MAX_BYTES, SUPPORTED
from knowledge.types import Document

if TYPE_CHECKING:  # knowledge.index imports this module lazily, to recover an interrupted import
    from knowledge.index import Index

FORMAT = "pressroom-archive"
VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
VECTORS = "vectors.jsonl"
UPLOADS = "uploads"
JOURNAL = ".import-journal.json"
BACKUPS = "backups"
MAX_MANIFEST = 1 << 20
MAX_LINE = MAX_BYTES * 2  # one document's JSON line: its text, escaped
MAX_UPLOADS = 100_000
_BLOCK = 1 << 20
_SOURCE = re.compile(r"[\w.-]{1,200}", re.UNICODE)
_SHA = re.compile(r"[0-9a-f]{64}")
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


# ---- export ---------------------------------------------------------------------------------


def export_archive(index: Index, path: Path, overwrite: bool = False) -> ArchiveSummary:
    """Write the whole index (documents, vectors, uploaded files) to the zip file ``path``.

    The archive is written next to ``path`` under a temporary name and renamed when complete, so
    ``path`` is never a half-written file. Other processes may keep reading the index meanwhile;
    writers wait for the export to finish.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise ConfigError(f"{path} is a folder: name the archive file to write, e.g. {path / 'pressroom-backup.zip'}.")
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} already exists: choose another name, or pass --force to replace it.")
    if not path.parent.is_dir():
        raise ConfigError(f"The folder {path.parent} does not exist: create it or choose another place for the archive.")
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
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as archive:
            records = index.store.document_records()
            with _Member(archive, DOCUMENTS, checksums, sizes) as out:
                for record in records:
                    document = index.store.get_document(record.source)
                    if document is not None:
                        out.write(_json_line(_document_entry(document)))
            chunks = 0
            with _Member(archive, VECTORS, checksums, sizes) as out:
                for key, vector in _stored_vectors(index):
                    out.write(_json_line({"key": key, "vector": _pack(vector)}))
                    chunks += 1
            for upload in uploads:
                with _Member(archive, f"{UPLOADS}/{upload.name}", checksums, sizes) as out, upload.open("rb") as source:
                    shutil.copyfileobj(source, out, _BLOCK)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
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
        raise StoreError(f"Cannot write the archive {path} ({error.strerror or error}); check the disk and try again.") from None
    finally:
        temporary.unlink(missing_ok=True)
    return ArchiveSummary(path, len(records), chunks, len(uploads), path.stat().st_size)


class _Member:
    """A zip entry written as a stream, with its sha256 and size noted when it closes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, checksums: dict[str, str], sizes: dict[str, int]) -> None:
        self._archive, self._name, self._checksums, self._sizes = archive, name, checksums, sizes
        self._digest, self._size = hashlib.sha256(), 0

    def __enter__(self) -> _Member:
        info = zipfile.ZipInfo(self._name, date_time=datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self._handle = self._archive.open(info, "w", force_zip64=True)
        return self

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self._size += len(data)
        return self._handle.write(data)

    def __exit__(self, *exc: object) -> None:
        self._handle.close()
        self._checksums[self._name], self._sizes[self._name] = self._digest.hexdigest(), self._size


def _document_entry(document: Document) -> dict[str, Any]:
    return {
        "source": document.source,
        "title": document.title,
        "text": document.text,
        "path": document.path,
        "sha256": document.sha256,
        "pages": list(document.page_starts),
        "added": document.added,
    }


def _stored_vectors(index: Index) -> Iterator[tuple[str, Vector]]:
    """``(sha256 of the embedded text, vector)`` for every chunk of this model, a page at a time."""
    ids = sorted(index.store.chunk_ids())
    for offset in range(0, len(ids), 1000):
        page = ids[offset : offset + 1000]
        chunks, vectors = index.store.get_chunks(page), index.store.vectors(page)
        for chunk_id in page:
            if chunk_id in chunks and chunk_id in vectors:
                yield _key(embedding_text(chunks[chunk_id])), vectors[chunk_id]


def _uploaded_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and _upload_name(p.name))


# ---- reading and checking an archive ---------------------------------------------------------


@dataclass
class _Archive:
    """An archive that passed every check; documents and vectors are read again when loaded."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict[str, Any]
    documents: int = 0
    chunks: int = 0
    uploads: list[str] = field(default_factory=list)

    def entry(self, name: str) -> dict[str, Any]:
        return self.manifest["entries"][name]

    def lines(self, name: str) -> Iterator[bytes]:
        """The lines of an entry, checked against its size and sha256 as they are read."""
        yield from _lines(_checked(self, name))

    def documents_in(self, home: Path) -> Iterator[Document]:
        old_uploads, uploads = f"{self.manifest.get('home', '')}/{UPLOADS}/", set(self.uploads)
        for number, line in enumerate(self.lines(DOCUMENTS), 1):
            document = _document(self.path, number, line)
            if document.path.startswith(old_uploads) and document.path[len(old_uploads) :] in uploads:
                # A file added through the chat lives in the uploads folder of the home it is imported into.
                document = _replace_path(document, str(home.resolve() / UPLOADS / document.path[len(old_uploads) :]))
            yield document

    def vectors(self, dimension: int | None) -> dict[str, bytes]:
        """Packed vectors by key, when they were made by the importing model (else none)."""
        table: dict[str, bytes] = {}
        for number, line in enumerate(self.lines(VECTORS), 1):
            key, packed = _vector_entry(self.path, number, line, dimension)
            table[key] = packed
        return table


def read_archive(path: Path) -> _Archive:
    """Open ``path`` and check all of it: entries, manifest, sizes, checksums, documents, vectors.

    Raises an ``IngestError`` that names the problem; nothing is written.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise IngestError(f"{path}: no such file; check the archive's path and try again.")
    if not path.is_file():
        raise IngestError(f"{path}: is not a file; name a Pressroom archive made by `pressroom export`.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise IngestError(f"{path}: is not a Pressroom archive (not a zip file, or a damaged one); export it again.") from None
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error}); check the file and try again.") from None
    try:
        checked = _check(path, archive)
    except BaseException:
        archive.close()
        raise
    return checked


def _check(path: Path, archive: zipfile.ZipFile) -> _Archive:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    duplicate = next((name for name, count in Counter(names).items() if count > 1), None)
    if duplicate is not None:
        raise IngestError(f"{path}: holds the entry {duplicate!r} twice; it was not written by Pressroom.")
    for info in infos:
        if not _allowed_entry(info):
            raise IngestError(
                f"{path}: holds an entry Pressroom does not write ({_shown(info.filename)}); refusing to import it."
            )
    if MANIFEST not in names:
        raise IngestError(f"{path}: has no {MANIFEST}, so it is not a Pressroom archive; export it again.")
    manifest = _manifest(path, archive)
    listed = set(manifest["entries"])
    if listed != set(names) - {MANIFEST}:
        missing = sorted(listed - set(names)) or sorted(set(names) - {MANIFEST} - listed)
        raise IngestError(f"{path}: its entries do not match its manifest ({_shown(missing[0])}); the archive is damaged.")
    checked = _Archive(path, archive, manifest, uploads=list(manifest["uploads"]))
    if sorted(f"{UPLOADS}/{name}" for name in checked.uploads) != sorted(n for n in names if n.startswith(f"{UPLOADS}/")):
        raise IngestError(f"{path}: its uploaded files do not match its manifest; the archive is damaged.")
    sources: set[str] = set()
    for number, line in enumerate(checked.lines(DOCUMENTS), 1):
        document = _document(path, number, line)
        if document.source in sources:
            raise IngestError(f"{path}: holds the document {document.source!r} twice; the archive is damaged.")
        sources.add(document.source)
        if not chunk_document(document):
            raise IngestError(f"{path}: the document {document.source!r} has no text to index; the archive is damaged.")
    checked.documents = len(sources)
    if checked.documents != manifest["documents"]:
        raise IngestError(f"{path}: holds {checked.documents} documents, its manifest says {manifest['documents']}; the archive is damaged.")
    dimension = None
    for number, line in enumerate(checked.lines(VECTORS), 1):
        _, packed = _vector_entry(path, number, line, dimension)
        dimension = len(packed) // 4
        checked.chunks += 1
    for name in checked.uploads:
        for _ in _checked(checked, f"{UPLOADS}/{name}"):
            pass
    return checked


def _allowed_entry(info: zipfile.ZipInfo) -> bool:
    """Only the names Pressroom writes, as regular files (no folders, links or devices)."""
    mode = (info.external_attr >> 16) & 0o170000
    if mode not in (0, 0o100000) or info.is_dir():
        return False
    name = info.filename
    if name in (MANIFEST, DOCUMENTS, VECTORS):
        return True
    folder, _, file = name.partition("/")
    return folder == UPLOADS and _upload_name(file)


def _upload_name(name: str) -> bool:
    """A plain file name of a supported type: no folder, no ``..``, no leading dot, no control characters."""
    return (
        0 < len(name) <= 255
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
        and not any(ord(char) < 32 or char == "\x7f" for char in name)
        and Path(name).suffix.lower() in SUPPORTED
        and Path(name).name == name
    )


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    damaged = f"{path}: its manifest is damaged or from another program; export the index again."
    try:
        with archive.open(MANIFEST) as handle:
            raw = handle.read(MAX_MANIFEST + 1)
        if len(raw) > MAX_MANIFEST:
            raise IngestError(damaged)
        manifest = json.loads(raw.decode("utf-8"))
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, EOFError, ValueError, OSError):
        raise IngestError(damaged) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IngestError(f"{path}: is not a Pressroom archive; make one with `pressroom export FILE`.")
    if manifest.get("version") != VERSION:
        raise IngestError(
            f"{path}: is an archive of format version {manifest.get('version')!r}; this Pressroom reads version {VERSION}, "
            "so update Pressroom or export the index again."
        )
    entries, uploads = manifest.get("entries"), manifest.get("uploads")
    valid = (
        isinstance(entries, dict)
        and {DOCUMENTS, VECTORS} <= set(entries)
        and all(
            isinstance(meta, dict)
            and isinstance(meta.get("sha256"), str)
            and _SHA.fullmatch(meta["sha256"])
            and isinstance(meta.get("bytes"), int)
            and 0 <= meta["bytes"]
            for meta in entries.values()
        )
        and isinstance(uploads, list)
        and len(uploads) <= MAX_UPLOADS
        and all(isinstance(name, str) and _upload_name(name) for name in uploads)
        and isinstance(manifest.get("documents"), int)
        and isinstance(manifest.get("model"), str)
        and isinstance(manifest.get("home", ""), str)
    )
    if not valid:
        raise IngestError(damaged)
    return manifest


def _checked(archive: _Archive, name: str) -> Iterator[bytes]:
    """The bytes of an entry in blocks; an ``IngestError`` if they differ from the manifest's size or sha256."""
    meta = archive.entry(name)
    digest, size = hashlib.sha256(), 0
    damaged = f"{archive.path}: the entry {name} is damaged (size or checksum differs); export the index again."
    try:
        with archive.zip.open(name) as handle:
            while block := handle.read(_BLOCK):
                size += len(block)
                if size > meta["bytes"]:  # never inflate more than the manifest declared (zip bombs)
                    raise IngestError(damaged)
                digest.update(block)
                yield block
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise IngestError(damaged) from None
    if size != meta["bytes"] or digest.hexdigest() != meta["sha256"]:
        raise IngestError(damaged)


def _lines(blocks: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for block in blocks:
        pending += block
        if len(pending) > MAX_LINE:
            raise IngestError("An archive line is longer than any document Pressroom stores; the archive is damaged.")
        *complete, pending = pending.split(b"\n")
        yield from (line for line in complete if line.strip())
    if pending.strip():
        yield pending


def _document(path: Path, number: int, line: bytes) -> Document:
    damaged = f"{path}: document {number} in {DOCUMENTS} is damaged; export the index again."
    try:
        entry = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IngestError(damaged) from None
    if not isinstance(entry, dict):
        raise IngestError(damaged)
    text, pages = entry.get("text"), entry.get("pages", [])
    strings = all(isinstance(entry.get(key, ""), str) for key in ("source", "title", "text", "path", "sha256", "added"))
    if not strings or not isinstance(text, str) or not isinstance(entry.get("source"), str):
        raise IngestError(damaged)
    if not _SOURCE.fullmatch(entry["source"]) or not text.strip() or len(text) > MAX_BYTES:
        raise IngestError(damaged)
    if not isinstance(pages, list) or not all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= len(text) for p in pages):
        raise IngestError(damaged)
    if pages != sorted(pages) or len(entry.get("title", "")) > 1000 or len(entry.get("path", "")) > 4096:
        raise IngestError(damaged)
    return Document(
        source=entry["source"],
        title=entry.get("title", "") or entry["source"],
        text=text,
        path=entry.get("path", ""),
        sha256=entry.get("sha256", ""),
        page_starts=tuple(pages),
        added=entry.get("added", ""),
    )


def _replace_path(document: Document, path: str) -> Document:
    from dataclasses import replace

    return replace(document, path=path)


def _vector_entry(path: Path, number: int, line: bytes, dimension: int | None) -> tuple[str, bytes]:
    damaged = f"{path}: vector {number} in {VECTORS} is damaged; export the index again."
    try:
        entry = json.loads(line.decode("ascii"))
        key, packed = entry["key"], base64.b64decode(entry["vector"], validate=True)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        raise IngestError(damaged) from None
    if not isinstance(key, str) or not _SHA.fullmatch(key) or not packed or len(packed) % 4:
        raise IngestError(damaged)
    if dimension is not None and len(packed) != 4 * dimension:
        raise IngestError(f"{path}: its vectors do not all have the same length; the archive is damaged.")
    if not all(math.isfinite(value) for value in _unpack(packed)):
        raise IngestError(damaged)
    return key, packed


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pack(vector: Sequence[float]) -> str:
    values = array("f", (float(value) for value in vector))
    if sys.byteorder != "little":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(packed: bytes) -> list[float]:
    values = array("f")
    values.frombytes(packed)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()


def _json_line(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _shown(name: str) -> str:
    return repr(name if len(name) <= 80 else name[:77] + "...")


# ---- import ---------------------------------------------------------------------------------


class _Preloaded(Embedder):
    """The index's embedder, answering from archived vectors for texts it embedded before."""

    def __init__(self, inner: Embedder, vectors: dict[str, bytes]) -> None:
        self.inner, self.table = inner, vectors
        self.name, self.batch_size = inner.name, inner.batch_size
        self.query_prefix, self.passage_prefix = inner.query_prefix, inner.passage_prefix

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        return self.inner.embed_batch(texts)

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Vector]:
        found = [self.table.get(_key(text)) for text in texts]
        missing = [text for text, packed in zip(texts, found) if packed is None]
        computed = iter(self.inner.embed_documents(missing) if missing else [])
        vectors = [_unpack(packed) if packed is not None else list(next(computed)) for packed in found]
        if progress:
            progress(len(texts))
        return vectors


def import_archive(index: Index, path: Path, progress: Progress | None = None) -> ArchiveSummary:
    """Replace everything in ``index`` with the archive ``path`` (see the module's docstring).

    Raises an ``IngestError`` for an archive that cannot be used (the index is untouched), or a
    ``PressroomError`` saying that the previous index was restored when loading failed.
    """
    archive = read_archive(path)
    home = index.settings.home
    try:
        with index._writing():
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
    finally:
        archive.zip.close()
    return ArchiveSummary(Path(path), archive.documents, _chunks(index), len(archive.uploads), Path(path).stat().st_size, backup)


def _backup(index: Index) -> Path:
    folder = index.settings.home / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = folder / f"before-import-{stamp}-{uuid.uuid4().hex[:6]}.zip"
    _write_archive(index, path)
    return path


def _write_journal(home: Path, entry: dict[str, str]) -> None:
    temporary = home / f"{JOURNAL}.partial"
    temporary.write_text(json.dumps(entry))
    os.replace(temporary, home / JOURNAL)


def _stage_uploads(archive: _Archive, home: Path) -> Path:
    staged = home / f".import-uploads-{uuid.uuid4().hex[:8]}"
    staged.mkdir(parents=True)
    for name in archive.uploads:
        target = staged / name
        if target.parent != staged:  # _upload_name already refuses this; kept as a last line of defence
            raise IngestError(f"{archive.path}: the upload name {_shown(name)} is not a plain file name.")
        with open(target, "xb") as out:
            for block in _checked(archive, f"{UPLOADS}/{name}"):
                out.write(block)
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
        reason = failure.strerror if isinstance(failure, OSError) and failure.strerror else str(failure) or type(failure).__name__
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
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
