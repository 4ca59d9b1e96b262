"""Word documents (.docx): paragraphs and headings in order, tables as rows, read with python-docx.

Each paragraph is a line; a heading starts a new block (a blank line before it); each table row is
a line with its cells joined by " | ". Headers, footers, comments and text boxes are left out: in
press releases they hold letterheads and page numbers, not the text.

>>> import io, docx
>>> made = docx.Document(); _ = made.add_heading("Water Brief", 1); _ = made.add_paragraph("Wells were dug.")
>>> buffer = io.BytesIO(); made.save(buffer)
>>> read_docx(Path("brief.docx"), buffer.getvalue())
('Water Brief\\nWells were dug.', 'Water Brief')
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from knowledge.errors import IngestError

MAX_XML_BYTES = 400 * 1024 * 1024  # the document's XML, unpacked: more would take gigabytes to parse
_OLE2 = b"\xd0\xcf\x11\xe0"


def read_docx(path: Path, data: bytes) -> tuple[str, str]:
    """``(text, title)`` of a .docx file; an ``IngestError`` for a damaged or old-format one."""
    if data.startswith(_OLE2):
        raise IngestError(
            f"{path}: is an old Word (.doc) file, not a .docx; "
            "open it in Word or LibreOffice, save it as .docx and ingest that.",
            "unsupported format",
        )
    _check_size(path, data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines, title = _lines(document)
        title = (document.core_properties.title or "").strip() or title
    except IngestError:
        raise
    except Exception:  # noqa: BLE001 - python-docx and lxml raise many kinds of errors on damaged files
        raise IngestError(
            f"{path}: the Word document is damaged or not a .docx file; open and re-save it, then ingest it again.",
            "damaged",
        ) from None
    return "\n".join(lines).strip("\n"), title


def _check_size(path: Path, data: bytes) -> None:
    """Refuse a .docx whose XML unpacks to more than ``MAX_XML_BYTES`` (a zip bomb, or a huge file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # python-docx says it is damaged
    if unpacked > MAX_XML_BYTES:
        raise IngestError(
            f"{path}: the Word document unpacks to more than {MAX_XML_BYTES // 2**20} MB; "
            "split it and ingest the parts.",
            "too large",
        )


def _lines(document: Any) -> tuple[list[str], str]:
    """The document's lines in order, and its first Title or Heading 1 paragraph ("" when none)."""
    from docx.table import Table

    lines: list[str] = []
    headings: dict[str, str] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_rows(block))
            continue
        text = block.text.strip()
        if not text:
            continue
        style = _style_name(block)
        if style.startswith("heading") or style == "title":
            headings.setdefault(style, text)
            if lines:
                lines.append("")
        lines.append(text)
    return lines, headings.get("title") or headings.get("heading 1", "")


def _rows(table: Any) -> list[str]:
    """One line per row: its cells' text joined by " | " (a merged cell counted once)."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _style_name(paragraph: Any) -> str:
    try:
        return str(paragraph.style.name or "").lower()
    except (AttributeError, KeyError, ValueError):
        return ""
