"""The archive format of ``pressroom export``: a zip of plain entries, written as streams.

    manifest.json      format, version, counts, the model of the vectors, a sha256 and size per entry
    documents.jsonl    one stored document per line: the text every offset points into, and its facts
    vectors.jsonl      the chunk vectors of the exporting model, keyed by the sha256 of the text embedded
    uploads/NAME       the files added through the chat, which Pressroom keeps under PRESSROOM_HOME

Nothing else is accepted, so an archive cannot name a place to write: entry names are checked
against that list (no folders, no ``..``, no links, no devices) and upload names must be plain
file names of a supported type (``upload_name``). ``knowledge.archive_reading`` checks every
archive before it is used; ``knowledge.archive`` exports and imports indexes in this format.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from array import array
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from knowledge.sources import MAX_BYTES
from knowledge.types import Document

FORMAT = "pressroom-archive"
VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
VECTORS = "vectors.jsonl"
UPLOADS = "uploads"
MAX_MANIFEST = 1 << 20
MAX_LINE = MAX_BYTES * 2  # one document's JSON line: its text, escaped
MAX_UPLOADS = 100_000
BLOCK = 1 << 20


class Member:
    """A zip entry written as a stream, with its sha256 and size noted when it closes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, checksums: dict[str, str], sizes: dict[str, int]) -> None:
        self._archive, self._name, self._checksums, self._sizes = archive, name, checksums, sizes
        self._digest, self._size = hashlib.sha256(), 0

    def __enter__(self) -> Self:
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


def document_entry(document: Document) -> dict[str, Any]:
    return {
        "source": document.source,
        "title": document.title,
        "text": document.text,
        "path": document.path,
        "sha256": document.sha256,
        "pages": list(document.page_starts),
        "added": document.added,
    }


def upload_name(name: str) -> bool:
    """A plain file name (any type: the readers decide by content): no folder, no ``..``, no leading dot,
    no control characters."""
    return (
        0 < len(name) <= 255
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
        and not any(ord(char) < 32 or char == "\x7f" for char in name)
        and Path(name).name == name
    )


def key(text: str) -> str:
    """The key of a vector in ``vectors.jsonl``: the sha256 of the text that was embedded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack(vector: Sequence[float]) -> str:
    """A vector as base64 of little-endian float32 values (``unpack`` reads it back)."""
    values = array("f", (float(value) for value in vector))
    if sys.byteorder != "little":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def unpack(packed: bytes) -> list[float]:
    values = array("f")
    values.frombytes(packed)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()


def json_line(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def shown(name: str) -> str:
    """A name from an archive, quoted and cut short for a one-line message."""
    return repr(name if len(name) <= 80 else name[:77] + "...")
