"""PDF: the text of each page, pages separated by a form feed, with where each page starts."""

from __future__ import annotations

from pathlib import Path

from knowledge.errors import IngestError
from knowledge.sources.plain import clean

PAGE_BREAK = "\n\f\n"  # between PDF pages in the stored text


def read_pdf(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...]]:
    """``(text, metadata title, page starts)``; an ``IngestError`` for a damaged, locked or scanned PDF."""
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
                    raise IngestError(
                        f"{path}: the PDF is encrypted; save an unprotected copy and ingest that.", "unreadable"
                    )
            except (NotImplementedError, PdfReadError):
                raise IngestError(
                    f"{path}: the PDF is encrypted; save an unprotected copy and ingest that.", "unreadable"
                ) from None
        pages = [clean(page.extract_text() or "").strip() for page in reader.pages]
        metadata_title = (reader.metadata.title if reader.metadata else None) or ""
    except IngestError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files, none documented
        raise IngestError(
            f"{path}: the PDF is damaged or not a PDF; open and re-save it, then ingest it again.", "damaged"
        ) from None
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page)
        offset += len(page) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(parts)
    if not text.strip():
        raise IngestError(f"{path}: the PDF has no text layer (a scan?); run OCR on it, then ingest it again.", "empty")
    return text, str(metadata_title).strip(), tuple(starts)
