"""Plain text: telling text from binary by content, and finding the encoding a text was saved in.

A file is text when its bytes decode to characters with almost no control characters; a NUL byte
near the start means binary. UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as
they say. Anything else is an old 8-bit encoding: Windows-1252 (Western European) unless
charset-normalizer recognises another script with confidence (Cyrillic, Japanese...). The
encoding assumed is said in a note, so a reader can check the accented letters.

>>> decode_text(Path("a.txt"), "Le Chargé d'affaires.".encode("cp1252")).note
'not UTF-8: read as Windows-1252 (Western European); if letters look wrong, save it as UTF-8 and ingest it again.'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import IngestError

SNIFF_BYTES = 8192  # how much of a file decides whether it is text
CONTROL_SHARE = 0.005  # more control (or undecodable) characters than this is not text
DETECT_BYTES = 256 * 1024  # charset-normalizer looks at this much (it decodes its sample once per candidate)
# Encodings of Latin-script text: charset-normalizer often picks one of them for short French or
# English text (cp1250 for "août"), where Windows-1252 is far the most likely.
_LATIN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "mac_latin2", "cp1254", "iso8859_9",
          "cp1257", "iso8859_13", "iso8859_3", "iso8859_4", "iso8859_10", "iso8859_14", "iso8859_16", "cp1258",
          "cp850", "cp858", "cp437", "ascii", "utf_8"}  # fmt: skip
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f\ufffd]"
)  # not \t \n \r \f, nor ESC (colour codes in logs)
_MAGIC = (  # formats that are not text, by their first bytes: (prefix, what to say)
    (b"PK\x03\x04", "a ZIP archive or an office file of a kind Pressroom does not read (it reads Word .docx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls or .ppt); save it as .docx or .pdf and ingest that"),
    (b"{\\rtf", "a Rich Text (.rtf) file; save it as .docx or .txt and ingest that"),
)


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the encoding used and, when it was a guess, a note that says so."""

    text: str
    encoding: str
    note: str = ""


def binary_reason(path: Path, head: bytes) -> IngestError | None:
    """Why the file that starts with ``head`` is not text, or None when it may be."""
    for prefix, what in _MAGIC:
        if head.startswith(prefix):
            return IngestError(f"{path}: is {what}.", "unsupported format")
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample or _control_share(sample.decode("latin-1")) > 10 * CONTROL_SHARE:
        return binary(path)
    return None


def binary(path: Path) -> IngestError:
    return IngestError(
        f"{path}: looks like a binary file, not text; convert it to text, .docx or .pdf first.", "binary"
    )


def decode_text(path: Path, data: bytes, declared: str | None = None) -> Decoded:
    """Text from bytes: a BOM, then ``declared`` (an HTTP or HTML charset), then UTF-8, then an 8-bit guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                break
    if reason := binary_reason(path, data[:SNIFF_BYTES]):
        raise reason
    if declared:
        decoded = _declared(data, declared)
        if decoded is not None:
            return _checked(path, decoded)
    utf8 = data.decode("utf-8-sig", errors="replace")
    invalid = utf8.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # U+FFFD written in the file is not an error
    if not invalid:
        return _checked(path, Decoded(utf8, "utf-8"))
    valid_multibyte = sum(1 for char in utf8 if ord(char) > 0x7F) - utf8.count("\ufffd")
    if valid_multibyte >= invalid:  # UTF-8 with a few stray bytes: keep the UTF-8 letters
        note = (
            f"{invalid} byte{'s are' if invalid != 1 else ' is'} not valid UTF-8 and "
            f"{'were' if invalid != 1 else 'was'} replaced with �; save it as UTF-8 and ingest it again to keep them."
        )
        return _checked(path, Decoded(utf8, "utf-8", note))
    return _checked(path, _eight_bit(data))


def _declared(data: bytes, declared: str) -> Decoded | None:
    try:
        encoding = codecs.lookup(declared.strip().strip("\"'")).name
        return Decoded(data.decode(encoding), encoding)
    except (LookupError, UnicodeDecodeError):
        return None  # a wrong or unknown charset label: find the encoding from the bytes instead


def _eight_bit(data: bytes) -> Decoded:
    """An 8-bit text: Windows-1252, unless charset-normalizer is confident of a non-Latin encoding."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:DETECT_BYTES]).best()
    if best is not None and best.encoding not in _LATIN and best.coherence >= 0.1 and best.chaos <= 0.2:
        try:
            text = data.decode(best.encoding)
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(
                text,
                best.encoding,
                _guessed(best.encoding, ", ".join(best.languages[:2]) or "detected from its content"),
            )
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", _guessed("cp1252", "Western European"))


def _guessed(encoding: str, about: str) -> str:
    name = "Windows-1252" if encoding == "cp1252" else encoding
    return f"not UTF-8: read as {name} ({about}); if letters look wrong, save it as UTF-8 and ingest it again."


def _checked(path: Path, decoded: Decoded) -> Decoded:
    if _control_share(decoded.text) > CONTROL_SHARE and len(_CONTROLS.findall(decoded.text)) > 2:
        raise IngestError(
            f"{path}: is not readable text (no text encoding fits it); save it as UTF-8 and ingest it again.", "binary"
        )
    return decoded


def _control_share(text: str) -> float:
    return len(_CONTROLS.findall(text)) / max(1, len(text))


def clean(text: str) -> str:
    """Drop NUL bytes and normalise line ends; nothing else, so quotes stay exact."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
