"""Reading an archive of ``pressroom export``, with every check done before anything is trusted.

No entry is inflated beyond the size its manifest declares, and each must match its sha256, so a
damaged or crafted archive is refused with one sentence (an ``IngestError``), before anything is
written. The format itself is described in ``knowledge.archive_format``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from knowledge.archive_format import (
    BLOCK,
    DOCUMENTS,
    FORMAT,
    MANIFEST,
    MAX_LINE,
    MAX_MANIFEST,
    MAX_UPLOADS,
    UPLOADS,
    VECTORS,
    VERSION,
    shown,
    unpack,
    upload_name,
)
from knowledge.chunking import chunk_document
from knowledge.errors import IngestError
from knowledge.sources import MAX_BYTES
from knowledge.types import Document

_SOURCE = re.compile(r"[\w.-]{1,200}", re.UNICODE)
_SHA = re.compile(r"[0-9a-f]{64}")
# Whatever zipfile, zlib, struct and the JSON, text and base64 decoders raise on bytes that are not
# what Pressroom wrote: ValueError covers JSON, Unicode and base64 errors; RuntimeError, an entry
# that says it is encrypted; NotImplementedError, an unknown compression method or zip version;
# OSError, a seek before the start of the file; KeyError, TypeError and IndexError, parts missing.
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
)


@contextlib.contextmanager
def refused_as_damaged(message: str) -> Iterator[None]:
    """Turn any error of reading an archive's bytes into its one-line refusal: ``IngestError(message)``.

    Every read of an archive goes through here, so that no decompression or parsing error escapes
    as anything but "the archive is damaged".

    >>> with refused_as_damaged("a.zip: is damaged; export the index again."):
    ...     json.loads("{")
    Traceback (most recent call last):
    knowledge.errors.IngestError: a.zip: is damaged; export the index again.
    """
    try:
        yield
    except IngestError:
        raise
    except UNREADABLE:
        raise IngestError(message) from None


@dataclass
class Archive:
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
        yield from _lines(self.path, checked(self, name))

    def documents_in(self, home: Path) -> Iterator[Document]:
        old_uploads, uploads = f"{self.manifest.get('home', '')}/{UPLOADS}/", set(self.uploads)
        for number, line in enumerate(self.lines(DOCUMENTS), 1):
            document = _document(self.path, number, line)
            if document.path.startswith(old_uploads) and document.path[len(old_uploads) :] in uploads:
                # A file added through the chat lives in the uploads folder of the home it is imported into.
                document = replace(document, path=str(home.resolve() / UPLOADS / document.path[len(old_uploads) :]))
            yield document

    def vectors(self, dimension: int | None) -> dict[str, bytes]:
        """Packed vectors by key, when they were made by the importing model (else none)."""
        table: dict[str, bytes] = {}
        for number, line in enumerate(self.lines(VECTORS), 1):
            key, packed = _vector_entry(self.path, number, line, dimension)
            table[key] = packed
        return table


def read_archive(path: Path) -> Archive:
    """Open ``path`` and check all of it: entries, manifest, sizes, checksums, documents, vectors.

    Raises an ``IngestError`` that names the problem; nothing is written.
    """
    path = Path(path).expanduser()
    try:
        if not path.exists():
            raise IngestError(f"{path}: no such file; check the archive's path and try again.")
        if not path.is_file():
            raise IngestError(f"{path}: is not a file; name a Pressroom archive made by `pressroom export`.")
        with open(path, "rb"):  # a file we may not read (or a name too long) is not a damaged archive
            pass
    except OSError as error:
        raise IngestError(
            f"{path}: cannot be read ({error.strerror or error}); check the file and try again."
        ) from None
    with refused_as_damaged(f"{path}: is not a Pressroom archive (not a zip file, or a damaged one); export it again."):
        archive = zipfile.ZipFile(path)
    try:
        with refused_as_damaged(f"{path}: is damaged (its zip structure cannot be read); export the index again."):
            return _check(path, archive)
    except BaseException:
        archive.close()
        raise


def _check(path: Path, archive: zipfile.ZipFile) -> Archive:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    duplicate = next((name for name, count in Counter(names).items() if count > 1), None)
    if duplicate is not None:
        raise IngestError(f"{path}: holds the entry {duplicate!r} twice; it was not written by Pressroom.")
    for info in infos:
        if not _allowed_entry(info):
            raise IngestError(
                f"{path}: holds an entry Pressroom does not write ({shown(info.filename)}); refusing to import it."
            )
    if MANIFEST not in names:
        raise IngestError(f"{path}: has no {MANIFEST}, so it is not a Pressroom archive; export it again.")
    manifest = _manifest(path, archive)
    listed = set(manifest["entries"])
    if listed != set(names) - {MANIFEST}:
        missing = sorted(listed - set(names)) or sorted(set(names) - {MANIFEST} - listed)
        raise IngestError(
            f"{path}: its entries do not match its manifest ({shown(missing[0])}); the archive is damaged."
        )
    result = Archive(path, archive, manifest, uploads=list(manifest["uploads"]))
    if sorted(f"{UPLOADS}/{name}" for name in result.uploads) != sorted(
        n for n in names if n.startswith(f"{UPLOADS}/")
    ):
        raise IngestError(f"{path}: its uploaded files do not match its manifest; the archive is damaged.")
    sources: set[str] = set()
    for number, line in enumerate(result.lines(DOCUMENTS), 1):
        document = _document(path, number, line)
        if document.source in sources:
            raise IngestError(f"{path}: holds the document {document.source!r} twice; the archive is damaged.")
        sources.add(document.source)
        if not chunk_document(document):
            raise IngestError(f"{path}: the document {document.source!r} has no text to index; the archive is damaged.")
    result.documents = len(sources)
    if result.documents != manifest["documents"]:
        raise IngestError(
            f"{path}: holds {result.documents} documents, its manifest says {manifest['documents']}; "
            "the archive is damaged."
        )
    dimension = None
    for number, line in enumerate(result.lines(VECTORS), 1):
        _, packed = _vector_entry(path, number, line, dimension)
        dimension = len(packed) // 4
        result.chunks += 1
    for name in result.uploads:
        for _ in checked(result, f"{UPLOADS}/{name}"):
            pass
    return result


def _allowed_entry(info: zipfile.ZipInfo) -> bool:
    """Only the names Pressroom writes, as regular files (no folders, links or devices)."""
    mode = (info.external_attr >> 16) & 0o170000
    if mode not in (0, 0o100000) or info.is_dir():
        return False
    name = info.filename
    if name in (MANIFEST, DOCUMENTS, VECTORS):
        return True
    folder, _, file = name.partition("/")
    return folder == UPLOADS and upload_name(file)


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    damaged = f"{path}: its manifest is damaged or from another program; export the index again."
    with refused_as_damaged(damaged):
        with archive.open(MANIFEST) as handle:
            raw = handle.read(MAX_MANIFEST + 1)
        if len(raw) > MAX_MANIFEST:
            raise IngestError(damaged)
        manifest = json.loads(raw.decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IngestError(f"{path}: is not a Pressroom archive; make one with `pressroom export FILE`.")
    if manifest.get("version") != VERSION:
        raise IngestError(
            f"{path}: is an archive of format version {manifest.get('version')!r}; "
            f"this Pressroom reads version {VERSION}, "
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
        and all(isinstance(name, str) and upload_name(name) for name in uploads)
        and isinstance(manifest.get("documents"), int)
        and isinstance(manifest.get("model"), str)
        and isinstance(manifest.get("home", ""), str)
    )
    if not valid:
        raise IngestError(damaged)
    return manifest


def checked(archive: Archive, name: str) -> Iterator[bytes]:
    """The bytes of an entry in blocks; an ``IngestError`` if they differ from the manifest's size or sha256."""
    meta = archive.entry(name)
    digest, size = hashlib.sha256(), 0
    damaged = f"{archive.path}: the entry {name} is damaged (size or checksum differs); export the index again."
    with refused_as_damaged(damaged), archive.zip.open(name) as handle:
        while block := handle.read(BLOCK):
            size += len(block)
            if size > meta["bytes"]:  # never inflate more than the manifest declared (zip bombs)
                raise IngestError(damaged)
            digest.update(block)
            yield block
    if size != meta["bytes"] or digest.hexdigest() != meta["sha256"]:
        raise IngestError(damaged)


def _lines(path: Path, blocks: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for block in blocks:
        pending += block
        if len(pending) > MAX_LINE:
            raise IngestError(
                f"{path}: holds a line longer than any document Pressroom stores; the archive is damaged."
            )
        *complete, pending = pending.split(b"\n")
        yield from (line for line in complete if line.strip())
    if pending.strip():
        yield pending


def _document(path: Path, number: int, line: bytes) -> Document:
    damaged = f"{path}: document {number} in {DOCUMENTS} is damaged; export the index again."
    with refused_as_damaged(damaged):
        entry = json.loads(line.decode("utf-8"))
    if not isinstance(entry, dict):
        raise IngestError(damaged)
    text, pages = entry.get("text"), entry.get("pages", [])
    strings = all(isinstance(entry.get(key, ""), str) for key in ("source", "title", "text", "path", "sha256", "added"))
    if not strings or not isinstance(text, str) or not isinstance(entry.get("source"), str):
        raise IngestError(damaged)
    if not _SOURCE.fullmatch(entry["source"]) or not text.strip() or len(text) > MAX_BYTES:
        raise IngestError(damaged)
    if not isinstance(pages, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= len(text) for p in pages
    ):
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


def _vector_entry(path: Path, number: int, line: bytes, dimension: int | None) -> tuple[str, bytes]:
    damaged = f"{path}: vector {number} in {VECTORS} is damaged; export the index again."
    with refused_as_damaged(damaged):
        entry = json.loads(line.decode("ascii"))
        key, packed = entry["key"], base64.b64decode(entry["vector"], validate=True)
    if not isinstance(key, str) or not _SHA.fullmatch(key) or not packed or len(packed) % 4:
        raise IngestError(damaged)
    if dimension is not None and len(packed) != 4 * dimension:
        raise IngestError(f"{path}: its vectors do not all have the same length; the archive is damaged.")
    if not all(math.isfinite(value) for value in unpack(packed)):
        raise IngestError(damaged)
    return key, packed
