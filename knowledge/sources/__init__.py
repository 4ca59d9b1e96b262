"""Reading files and web pages into documents: the text Pressroom stores and every offset refers to.

Readers keep the text as written (accents, typographic quotes, line breaks); HTML keeps the
article's visible text, PDF keeps where each page starts, Word keeps paragraphs and table rows.
A file's name picks its reader when Pressroom knows the extension; any other file (``LICENSE``,
``notes.log``) is read by its content: a PDF, a .docx or an HTML page is recognised as such, and
anything else is read as plain text when it is text, refused as binary when it is not.

One module per family: ``files`` (bytes, names), ``discovery`` (folders), ``plain`` (encodings,
text or binary), ``titles``, ``markup`` (HTML), ``pdf``, ``word`` (.docx), ``web`` (addresses).

>>> extracted = read(Path("/usr/share/common-licenses/Apache-2.0"))                   # doctest: +SKIP
>>> extracted.title, extracted.notes                                                  # doctest: +SKIP
('Apache License, Version 2.0, January 2004', ())
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import IngestError
from knowledge.sources.discovery import Target, discover, skip
from knowledge.sources.files import MAX_BYTES, read_bytes, sha256_bytes, shown, slug, undecodable
from knowledge.sources.files import source_id as file_source_id
from knowledge.sources.markup import read_html
from knowledge.sources.pdf import read_pdf
from knowledge.sources.plain import clean, decode_text
from knowledge.sources.titles import guess_title
from knowledge.sources.web import Page, fetch, is_address, page_source_id
from knowledge.sources.word import read_docx

# Text from one file: about 40,000 passages, minutes to embed on a laptop CPU and about 1 GB of memory
# at ingest; a 50 MB text dump would take an hour and several GB, so it is refused with a message.
MAX_TEXT = 20_000_000


@dataclass(frozen=True)
class Extracted:
    """What a reader made of a file or page: the text to store, its title, PDF page starts, the
    SHA-256 of the bytes read, and notes for the report (the encoding assumed, when it was a guess)."""

    text: str
    title: str
    page_starts: tuple[int, ...]
    sha256: str
    notes: tuple[str, ...] = ()


Reader = Callable[[Path, bytes], tuple[str, str, tuple[int, ...], str]]  # (text, title, page starts, note)


def _plain(path: Path, data: bytes, declared: str | None = None) -> tuple[str, str, tuple[int, ...], str]:
    decoded = decode_text(path, data, declared)
    return clean(decoded.text), "", (), decoded.note


def _html(
    path: Path, data: bytes, declared: str | None = None, address: str | None = None
) -> tuple[str, str, tuple[int, ...], str]:
    text, title, decoded = read_html(path, data, declared, address)
    return text, title, (), decoded.note


def _pdf(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...], str]:
    return (*read_pdf(path, data), "")


def _docx(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...], str]:
    return (*read_docx(path, data), (), "")


READERS: dict[str, Reader] = {
    ".txt": _plain,
    ".text": _plain,
    ".md": _plain,
    ".markdown": _plain,
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
    ".pdf": _pdf,
    ".docx": _docx,
}
SUPPORTED = tuple(READERS)  # the extensions whose reader is known by name; other files are read by content
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL
)


def reader_for(path: Path, data: bytes) -> Reader:
    """The reader of a file: by its extension when Pressroom knows it, else by its first bytes."""
    known = READERS.get(path.suffix.lower())
    if known is not None:
        return known
    if data.startswith(b"%PDF-"):
        return _pdf
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return _docx
    if _HTML_START.match(data[:4096]):
        return _html
    return _plain


def read(path: Path, data: bytes | None = None) -> Extracted:
    """What ``path`` holds, or an ``IngestError`` (with its ``reason``) that says what to do."""
    if undecodable(path):  # the store keeps paths as UTF-8 text
        raise IngestError(f"{shown(path)}: the file's name is not valid UTF-8; rename the file and ingest it again.")
    data = read_bytes(path, text_only=path.suffix.lower() not in READERS) if data is None else data
    text, title, pages, note = _checked(path, data, lambda: reader_for(path, data)(path, data))
    name = path.stem if path.suffix.lower() in READERS else path.name  # "notes.txt" is "notes", "LICENSE" is "LICENSE"
    return _extracted(text, title or guess_title(text, name), pages, data, note)


def read_page(page: Page) -> Extracted:
    """What a fetched web page holds: its main text (HTML), or its text (a plain-text page)."""
    if page.suffix == ".html":
        reading = lambda: _html(Path("page.html"), page.data, page.charset, page.final)
    else:
        reading = lambda: _plain(Path("page.txt"), page.data, page.charset)
    text, title, pages, note = _checked(page.address, page.data, reading, "the page")
    return _extracted(text, title or guess_title(text, page_source_id(page.address)), pages, page.data, note)


def _checked(
    where: Path | str, data: bytes, reading: Callable[[], tuple[str, str, tuple[int, ...], str]], kind: str = "the file"
) -> tuple[str, str, tuple[int, ...], str]:
    """``reading()``, with the checks every reader shares: not empty, some text, not too much of it."""
    if not data.strip():
        raise IngestError(f"{where}: {kind} is empty; add text to it or leave it out.", "empty")
    try:
        text, title, pages, note = reading()
    except IngestError as error:  # a reader names its stand-in path for a page: say the address
        raise IngestError(re.sub(r"^page\.(html|txt)", str(where), str(error)), error.reason) from None
    if not text.strip():
        raise IngestError(f"{where}: has no readable text; check the file's content.", "empty")
    if len(text) > MAX_TEXT:
        raise IngestError(
            f"{where}: holds {len(text) / 1e6:.0f} million characters of text, "
            "more than Pressroom indexes from one file "
            f"({MAX_TEXT // 10**6} million); split it and ingest the parts.",
            "too large",
        )
    return text, title, pages, note


def _extracted(text: str, title: str, pages: tuple[int, ...], data: bytes, note: str) -> Extracted:
    return Extracted(text, re.sub(r"\s+", " ", title).strip()[:300], pages, sha256_bytes(data), (note,) if note else ())


def source_id(target: Target) -> str:
    """The document id of a file (its name, without extension) or of a web address (its host and path)."""
    return page_source_id(target) if isinstance(target, str) and is_address(target) else file_source_id(Path(target))


__all__ = [
    "MAX_BYTES",
    "MAX_TEXT",
    "READERS",
    "SUPPORTED",
    "Extracted",
    "Page",
    "Target",
    "clean",
    "decode_text",
    "discover",
    "fetch",
    "guess_title",
    "is_address",
    "read",
    "read_bytes",
    "read_page",
    "sha256_bytes",
    "skip",
    "slug",
    "source_id",
]
