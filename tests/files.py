"""Builders for test files that are awkward to keep in the repository (PDFs above all)."""

from __future__ import annotations


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per entry of ``pages``."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = None
    if title:
        objects.append(f"<< /Title ({title}) >>".encode())
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypt_pdf(data: bytes, password: str = "secret") -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def release_page() -> str:
    """The bundled release as the web page it was copied from: the site's menu (the lines the
    copy starts with), the article, and a footer. A reconstruction: the original page is not kept."""
    import html

    from knowledge import bundled_path

    lines = bundled_path().read_text(encoding="utf-8").splitlines()
    headline = lines.index(next(line for line in lines if line.startswith("Mali Launches")))
    menu = "".join(
        f"<li><a href='/{n}'>{html.escape(line)}</a></li>"
        for n, line in enumerate(lines[:headline])
        if line.strip("- ")
    )
    article = "".join(f"<p>{html.escape(line)}</p>" for line in lines[headline + 1 :] if line != "***")
    links = ["Contact us", "Careers", "Procurement", "Privacy policy", "Terms of use", "Follow IOM on social media"]
    footer = "".join(f"<li><a href='/f{n}'>{item}</a></li>" for n, item in enumerate(links))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(lines[headline])} | International Organization for Migration</title>"
        "<script>window.dataLayer = [];</script><style>nav { display: flex }</style></head><body>"
        f"<header><nav class='main-menu'><ul>{menu}</ul></nav></header>"
        f"<main><article><h1>{html.escape(lines[headline])}</h1><div class='date'>19 October 2023</div>"
        f"{article}</article></main>"
        f"<aside><h2>Related news</h2><ul><li><a href='/r1'>IOM Supports Return of Stranded Migrants in Niger</a></li>"
        "<li><a href='/r2'>New Migrant Resource Centre Opens in Gao</a></li></ul></aside>"
        f"<footer><ul>{footer}</ul><p>© International Organization for Migration 2023</p></footer></body></html>"
    )


def make_docx(paragraphs: list[str], title: str | None = None, headings: dict[int, str] | None = None,
              table: list[list[str]] | None = None) -> bytes:  # fmt: skip
    """A .docx made with python-docx: ``headings[i]`` (level 1) goes before paragraph ``i``, ``table``
    after them all."""
    import io

    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for number, text in enumerate(paragraphs):
        if headings and number in headings:
            document.add_heading(headings[number], level=1)
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
