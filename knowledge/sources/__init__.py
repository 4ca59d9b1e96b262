"""Reading files into documents: the text Pressroom stores and every offset refers to.

Readers keep the text as written (accents, typographic quotes, line breaks); HTML keeps only
what a browser shows, PDF keeps where each page starts.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from knowledge.errors import IngestError
from knowledge.text import is_heading, is_noise, line_spans

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_BYTES = 200 * 1024 * 1024
# Text from one file: about 40,000 passages, minutes to embed on a laptop CPU and about 1 GB of memory
# at ingest; a 50 MB text dump would take an hour and several GB, so it is refused with a message.
MAX_TEXT = 20_000_000
_PAGE_BREAK = "\n\f\n"  # between PDF pages in the stored text


def source_id(path: Path) -> str:
    """The document id of a file: its name without extension, lower case, safe characters only."""
    slug = re.sub(r"[^\w.-]+", "-", path.stem.lower(), flags=re.UNICODE).strip("-.")
    return slug or "document"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Supported files under ``paths`` (files and directories, recursively), and one error per bad path."""
    found: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            errors.append(f"{raw}: no such file or directory; check the path and try again.")
        elif path.is_dir():
            found.extend(_walk(path, errors))
        elif path.suffix.lower() in SUPPORTED:
            found.append(path)
        else:
            errors.append(
                f"{raw}: unsupported file type {path.suffix or '(none)'!r}; "
                f"Pressroom reads {', '.join(SUPPORTED)}."
            )
    unique = list(dict.fromkeys(path.resolve() for path in found))
    return unique, errors


def _walk(root: Path, errors: list[str]) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    for directory, subdirectories, files in os.walk(root, followlinks=True, onerror=None):
        stat = os.stat(directory)
        if (stat.st_dev, stat.st_ino) in seen:  # a symlink loop: walk each real directory once
            subdirectories[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(directory) / name
            if path.suffix.lower() in SUPPORTED:
                yield path


def read_bytes(path: Path) -> bytes:
    try:
        # O_NONBLOCK: a named pipe given a .txt name would otherwise block the open (and the ingest) forever.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            status = os.fstat(handle.fileno())
            if stat.S_ISDIR(status.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(status.st_mode):
                raise IngestError(f"{path}: is not a regular file (a pipe, socket or device); only files can be ingested.")
            if status.st_size > MAX_BYTES:
                raise IngestError(f"{path}: the file is larger than {MAX_BYTES // 2**20} MB; split it and ingest the parts.")
            return handle.read()
    except PermissionError:
        raise IngestError(f"{path}: permission denied; make the file readable and ingest it again.") from None
    except FileNotFoundError:
        raise IngestError(f"{path}: the file disappeared while it was being read; ingest it again.") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory where a file was expected.") from None
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error}); check the file and try again.") from None


def decode_text(path: Path, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 if it reads as text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: looks like a binary file, not text; convert it to .txt, .md, .html or .pdf first.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f") + text.count("\ufffd")
    if controls > max(2, len(text) // 1000):
        raise IngestError(f"{path}: is not readable text (not UTF-8 or Latin-1); save it as UTF-8 and ingest it again.")
    return text


def clean(text: str) -> str:
    """Drop NUL bytes and normalise line ends; nothing else, so quotes stay exact."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def guess_title(text: str, fallback: str) -> str:
    """The headline of a text: a long title-case line near the top, else its first line when that
    reads as a title ("Bref historique de Debian"), else its first capitalised title-like line.

    Shouted legal lines ("TERMS AND CONDITIONS FOR USE, ...") and postal addresses are not titles.
    """
    text = text[:65536]  # the title is near the top; splitting a 50 MB first line into words took a minute and GBs
    lines = [text[start:end].strip().lstrip("#").strip() for start, end in line_spans(text)[:60]]
    lines = [line for line in lines if line and not is_noise(line)]
    titled = [line for line in lines if _could_be_title(line)]
    capitalised = [line for line in titled if _capitalised_share(line) >= 0.6]
    headline = next((line for line in capitalised if len(line.split()) >= 6 and _title_case(line)), None)
    # A title written in sentence case is found only on the first line: further down, such a
    # line is more often a heading or a signature ("Always answer ...", "Debian Publicity Team").
    opening = lines[0] if lines and lines[0] in titled else None
    chosen = headline or opening or (capitalised[0] if capitalised else None)
    if chosen:
        after = titled[titled.index(chosen) + 1 : titled.index(chosen) + 2]
        if after and after[0].lower().startswith("version"):  # "GNU GPL" + "Version 3, 29 June 2007"
            chosen = f"{chosen}, {after[0]}"
        return chosen
    first = lines[0] if lines else ""
    return first if first and len(first) <= 120 else fallback


def _could_be_title(line: str) -> bool:
    """A heading of 2 to 25 words that is neither shouted legal text nor an address or a copyright line."""
    words = line.split()
    shouted = line.isupper() and len(words) >= 6
    address = bool(re.search(r"\b\d{5}\b", line)) or "copyright" in line.lower()
    return is_heading(line) and 2 <= len(words) <= 25 and not shouted and not address


def _capitalised_share(line: str) -> float:
    words = line.split()
    return sum(1 for word in words if word[:1].isupper() or word[:1].isdigit()) / len(words)


def _title_case(line: str) -> bool:
    """A headline capitalises its words, short linking words aside."""
    long_words = [word for word in line.split() if len(word) > 3]
    return sum(1 for word in long_words if word[:1].isupper() or word[:1].isdigit()) > 0.8 * len(long_words)


def read_text_file(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...]]:
    text = clean(decode_text(path, data))
    return text, guess_title(text, path.stem), ()


def read_html(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...]]:
    """Visible text only: scripts, styles and hidden parts are dropped; blocks become lines."""
    from bs4 import BeautifulSoup

    markup = decode_text(path, data)
    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    page_title = title_tag.get_text(" ", strip=True) if title_tag else ""
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]):
        tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    blocks = "p div h1 h2 h3 h4 h5 h6 li tr br section article header footer nav ul ol table blockquote pre dd dt title figcaption".split()
    for tag in soup.find_all(blocks):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in soup.get_text().splitlines())
    text = "\n".join(line for line in lines if line)
    heading = soup.find(["h1"])
    title = page_title or (heading.get_text(" ", strip=True) if heading else "")
    return clean(text), title or guess_title(text, path.stem), ()


def read_pdf(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...]]:
    """Text of each page, pages separated by a form feed; page start offsets are kept."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(f"{path}: the PDF is encrypted; save an unprotected copy and ingest that.")
            except (NotImplementedError, PdfReadError):
                raise IngestError(f"{path}: the PDF is encrypted; save an unprotected copy and ingest that.") from None
        pages = [clean(page.extract_text() or "").strip() for page in reader.pages]
        metadata_title = (reader.metadata.title if reader.metadata else None) or ""
    except IngestError:
        raise
    except Exception:  # pypdf raises many kinds of errors on damaged files
        raise IngestError(f"{path}: the PDF is damaged or not a PDF; open and re-save it, then ingest it again.") from None
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page)
        offset += len(page) + len(_PAGE_BREAK)
    text = _PAGE_BREAK.join(parts)
    if not text.strip():
        raise IngestError(f"{path}: the PDF has no text layer (a scan?); run OCR on it, then ingest it again.")
    title = str(metadata_title).strip() or guess_title(text, path.stem)
    return text, title, tuple(starts)


def _undecodable(text: str) -> bool:
    """True for a name that reached Python as lone surrogates (bytes that are not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


READERS = {
    ".txt": read_text_file,
    ".md": read_text_file,
    ".markdown": read_text_file,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
}


def read(path: Path, data: bytes | None = None) -> tuple[str, str, tuple[int, ...], str]:
    """``(text, title, page_starts, sha256)`` of one file, or an ``IngestError`` that says what to do."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(f"{path}: unsupported file type; Pressroom reads {', '.join(SUPPORTED)}.")
    if _undecodable(str(path)):  # the store keeps paths as UTF-8 text
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise IngestError(f"{shown}: the file's name is not valid UTF-8; rename the file and ingest it again.")
    data = read_bytes(path) if data is None else data
    if not data.strip():
        raise IngestError(f"{path}: the file is empty; add text to it or leave it out.")
    text, title, pages = reader(path, data)
    if not text.strip():
        raise IngestError(f"{path}: has no readable text; check the file's content.")
    if len(text) > MAX_TEXT:
        raise IngestError(
            f"{path}: holds {len(text) / 1e6:.0f} million characters of text, more than Pressroom indexes from one file "
            f"({MAX_TEXT // 10**6} million); split it and ingest the parts."
        )
    return text, re.sub(r"\s+", " ", title).strip()[:300], pages, sha256_bytes(data)
