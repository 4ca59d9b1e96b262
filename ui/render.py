r"""Everything the chat shows, as markup in which document text can only ever be text.

Documents are untrusted: a press release scraped from the web may hold ``<script>``,
``<img onerror=...>``, markdown links or images, or ``$$`` maths. Two rules keep them inert:

- HTML built here (source cards, the document viewer, the library table) escapes every piece of
  document text with :func:`html.escape`; only the tags written in this module are live.
- Chat messages go through Gradio's markdown renderer, so :func:`escape_markdown` also
  backslash-escapes every ASCII punctuation mark: no link, image, emphasis or autolink can form.

>>> print(escape_markdown("[click](javascript:alert(1)) <b>"))
\[click\]\(javascript\:alert\(1\)\) &lt;b&gt;
"""

from __future__ import annotations

import html
import itertools
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from assistant import Answer, Citation
from knowledge import Document, Passage, SourceInfo, language_name

MARKER = re.compile(r"\[(\d+)\]")
UNSUPPORTED = "The sources do not support this sentence"
CONTEXT_CHARS = 320  # passage text shown on each side of a quote in a source card
VIEWER_CHARS = 150_000  # longer documents are shown as a window around the quote
_MARKDOWN_PUNCTUATION = frozenset(string.punctuation) - {"&", "<", ">"}  # those three become entities


# ---- chat messages (markdown) ----------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """``text`` as markdown that renders exactly as written: HTML entities plus backslash escapes.

    ``&``, ``<`` and ``>`` become entities (a backslash before ``&`` would print ``&lt;`` literally);
    every other ASCII punctuation mark gets a backslash, which CommonMark allows for all of them.
    """
    backslashed = "".join(f"\\{char}" if char in _MARKDOWN_PUNCTUATION else char for char in text)
    return html.escape(backslashed, quote=False)  # after, so the entities' own ";" stay unescaped


def marked_markdown(text: str, known: Sequence[int] = (), flagged: Sequence[str] = ()) -> str:
    """Answer text as markdown: ``[n]`` markers drawn as small badges, the rest escaped.

    Only markers in ``known`` (the citation numbers) become badges, so a literal "[3]" quoted from
    a document stays plain text. Sentences in ``flagged`` (those the sources do not support) are
    underlined with a warning title.
    """
    parts: list[str] = []
    position = 0
    for start, end in _spans(text, flagged):
        parts.append(_with_badges(text[position:start], known))
        parts.append(f'<span class="unsupported" title="{UNSUPPORTED}">{_with_badges(text[start:end], known)}</span>')
        position = end
    parts.append(_with_badges(text[position:], known))
    return "".join(parts)


def _with_badges(text: str, known: Sequence[int]) -> str:
    parts: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        number = int(match.group(1))
        if number not in known:
            continue
        parts.append(escape_markdown(text[position : match.start()]))
        parts.append(f'<sup class="cite-marker" title="Source {number}">{number}</sup>')
        position = match.end()
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)


def _spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    """Where each of ``sentences`` first occurs in ``text``, in order, without overlaps."""
    found = sorted((text.find(s), text.find(s) + len(s)) for s in sentences if s and s in text)
    spans: list[tuple[int, int]] = []
    for start, end in found:
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def answer_markdown(answer: Answer) -> str:
    """The assistant's chat message for ``answer``: the text with markers (unsupported sentences
    underlined), or a clear abstention that quotes the closest passage found; then any notice
    about how the answer was made (e.g. the model could not be reached)."""
    notice = str(
        getattr(answer, "notice", "") or ""
    )  # set by generative answerers, and for a search kept to named documents
    ending = f'\n\n<span class="answer-notice">{escape_markdown(notice)}</span>' if notice else ""
    if not answer.abstained:
        flagged = tuple(getattr(answer, "unsupported", ()))
        body = marked_markdown(answer.text, [citation.marker for citation in answer.citations], flagged)
        if flagged:
            body += '\n\n<span class="answer-notice">Underlined sentences are not supported by the sources.</span>'
        return body + uncertainty_markdown(answer) + ending
    lead, colon, rest = answer.text.partition(":")
    said = (
        f"**{escape_markdown(lead)}.** {escape_markdown(rest.strip()[:1].upper() + rest.strip()[1:])}"
        if colon
        else escape_markdown(answer.text)
    )
    if not answer.passages:
        return said + ending
    closest = answer.passages[0]
    snippet = _trim_right(" ".join(closest.text.split()), 260)
    return (
        f"{said}\n\nThe closest passage, from *{escape_markdown(closest.title)}*:\n\n"
        f"> {escape_markdown(snippet)}\n\nMore of what came closest is under **Sources**.{ending}"
    )


def uncertainty_markdown(answer: Answer) -> str:
    """For an answer the model is unsure of: a warning with its confidence, and the runner-up sentence to compare."""
    if not getattr(answer, "uncertain", False):
        return ""
    confidence = f"{round(100 * (answer.confidence or 0))}%"
    text = (
        f'\n\n<span class="answer-uncertain">Uncertain: about {confidence} likely to answer the question. '
        "Check the quote.</span>"
    )
    other = answer.alternative
    if other is not None:
        snippet = _trim_right(" ".join(other.quote.split()), 300)
        text += f"\n\nThe next best sentence, from *{escape_markdown(other.title)}*:\n\n> {escape_markdown(snippet)}"
    return text


# ---- source cards (HTML) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What one card shows: a quote at ``start:end`` of ``source``, inside ``context`` text."""

    marker: int | None  # None for a closest-passage card (the assistant abstained)
    source: str
    title: str
    start: int
    end: int
    before: str
    quote: str
    after: str
    page: int | None = None
    language: str = ""  # "en" or "fr": the source's language, shown on the card
    address: str = ""  # the web page's address, for a document ingested from one


def evidence_for(citation: Citation, passages: Sequence[Passage], document: Document | None) -> Evidence:
    """The citation's quote with the text around it, from its passage or else from the document."""
    text, offset = _context_source(citation, passages, document)
    address = web_address(document)
    if text is None:
        return Evidence(
            citation.marker, citation.source, citation.title, citation.start, citation.end, "", citation.quote, "",
            citation.page, citation.language, address,
        )  # fmt: skip
    local_start, local_end = citation.start - offset, citation.end - offset
    before = _trim_left(text[:local_start], CONTEXT_CHARS)
    after = _trim_right(text[local_end:], CONTEXT_CHARS)
    return Evidence(
        citation.marker, citation.source, citation.title, citation.start, citation.end,
        before, text[local_start:local_end], after, citation.page, citation.language, address,
    )  # fmt: skip


def web_address(document: Document | None) -> str:
    """The address of a document read from a web page ("" for a file): shown, and linked, on its cards."""
    path = document.path if document is not None else ""
    return path if path.startswith(("http://", "https://")) else ""


def _context_source(
    citation: Citation, passages: Sequence[Passage], document: Document | None
) -> tuple[str | None, int]:
    for passage in passages:
        if passage.source == citation.source and passage.start <= citation.start and citation.end <= passage.end:
            return passage.text, passage.start
    if document is not None and document.text[citation.start : citation.end] == citation.quote:
        return document.text, 0
    return None, 0


def closest_evidence(passage: Passage, document: Document | None = None) -> Evidence:
    """A passage shown for what it is: the nearest text found, not an answer (nothing highlighted)."""
    text = _trim_right(passage.text, 2 * CONTEXT_CHARS)
    return Evidence(
        None,
        passage.source,
        passage.title,
        passage.start,
        passage.end,
        "",
        "",
        text,
        passage.page,
        address=web_address(document),
    )


def _trim_left(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "… " + (cut[space + 1 :] if 0 <= space < 40 else cut)


def _trim_right(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - 40 else cut) + " …"


def _text(value: str) -> str:
    """Document text as HTML text (never inside an attribute): escaped, runs of blank lines kept short."""
    return html.escape(re.sub(r"\n{3,}", "\n\n", value.replace("\f", "")), quote=False)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def source_card(evidence: Evidence) -> str:
    """One source card: marker, title, where it is, the quote highlighted in its passage, and a button
    that opens the whole document at that place (handled by the ``open_document`` event)."""
    badge = (
        f'<span class="src-marker">{evidence.marker}</span>'
        if evidence.marker is not None
        else '<span class="src-marker near">≈</span>'
    )
    where = [evidence.source] + ([f"page {evidence.page}"] if evidence.page else [])
    where += (
        [language_name(evidence.language)] if evidence.language else []
    )  # "French": the quote is in its own language
    quote = f'<mark class="src-quote">{_text(evidence.quote)}</mark>' if evidence.quote else ""
    label = "Read it in the document" if evidence.marker is not None else "Open the document here"
    link = (
        f'<div class="src-address"><a href="{_attr(evidence.address)}" target="_blank" '
        f'rel="noopener noreferrer nofollow">{_text(evidence.address)}</a></div>'
        if evidence.address
        else ""
    )
    return (
        f'<article class="src-card" data-marker="{_attr(evidence.marker or "")}">'
        f'<header class="src-head">{badge}<div><div class="src-title">{_text(evidence.title)}</div>'
        f'<div class="src-meta">{_text(" · ".join(where))}</div>{link}</div></header>'
        f'<p class="src-passage">{_text(evidence.before)}{quote}{_text(evidence.after)}</p>'
        f'<button type="button" class="src-open" data-open="1" data-source="{_attr(evidence.source)}" '
        f'data-start="{evidence.start}" data-end="{evidence.end}" data-marker="{_attr(evidence.marker or "")}">'
        f"{label} →</button>"
        "</article>"
    )


def sources_panel(answer: Answer | None, documents: Callable[[str], Document | None]) -> str:
    """The Sources tab for one answer: a card per citation, or the closest passages when it abstained."""
    if answer is None:
        return empty_panel(
            "Sources appear here", "Each answer lists the passages it quotes, with the exact sentence highlighted."
        )
    question = f'<div class="src-question">Sources for “{_text(answer.question)}”</div>'
    if answer.citations:
        cards = [evidence_for(c, answer.passages, documents(c.source)) for c in answer.citations]
        return question + "".join(source_card(card) for card in cards)
    if answer.passages:
        note = '<div class="src-note">The sources do not answer this. These passages came closest:</div>'
        return (
            question
            + note
            + "".join(source_card(closest_evidence(p, documents(p.source))) for p in answer.passages[:3])
        )
    return question + empty_panel("Nothing found", "No passage matched this question.")


def empty_panel(title: str, text: str) -> str:
    return f'<div class="empty-panel"><div class="empty-title">{_text(title)}</div><div>{_text(text)}</div></div>'


def notice(text: str, kind: str = "info") -> str:
    """A one-line message box (``kind``: info, ok, error)."""
    return f'<div class="notice notice-{_attr(kind)}">{_text(text)}</div>'


# ---- the document viewer ---------------------------------------------------------------------


def document_view(document: Document, start: int | None = None, end: int | None = None) -> str:
    """The whole document (or a long window of it) with ``start:end`` highlighted as ``mark.focus``.

    PDF page starts are drawn as page labels. The viewer's script scrolls the mark into view.
    """
    text = document.text
    begin, finish = 0, len(text)
    if len(text) > VIEWER_CHARS:
        centre = start if start is not None else 0
        begin = max(0, centre - VIEWER_CHARS // 2)
        finish = min(len(text), begin + VIEWER_CHARS)
    has_focus = start is not None and end is not None and begin <= start < end <= finish
    cuts = {begin, finish} | ({start, end} if has_focus else set())
    pages = {offset: number for number, offset in enumerate(document.page_starts, 1) if begin <= offset < finish}
    cuts |= set(pages)
    body: list[str] = []
    if begin > 0:
        body.append('<div class="doc-gap">… earlier text not shown …</div>')
    ordered = sorted(cuts)
    for left, right in itertools.pairwise(ordered):
        if left in pages:
            body.append(f'<span class="doc-page">Page {pages[left]}</span>')
        piece = _text(text[left:right])
        body.append(f'<mark class="focus">{piece}</mark>' if has_focus and left == start else piece)
    if finish < len(text):
        body.append('<div class="doc-gap">… later text not shown …</div>')
    meta = [document.source] + ([document.path] if web_address(document) else []) + [f"{len(text):,} characters"]
    if document.page_starts:
        meta.append(f"{len(document.page_starts)} pages")
    if has_focus and document.page_starts:
        meta.append(f"quote on page {document.page_at(start or 0)}")
    return (
        f'<div class="doc-view"><div class="doc-head"><div class="doc-title">{_text(document.title)}</div>'
        f'<div class="doc-meta">{_text(" · ".join(meta))}</div></div>'
        f'<div class="doc-body">{"".join(body)}</div></div>'
    )


# ---- the library -----------------------------------------------------------------------------


def library_table(sources: Sequence[SourceInfo]) -> str:
    """The indexed documents: title, id, passages and when each was added."""
    if not sources:
        return empty_panel(
            "No documents yet",
            "Add files (text, Markdown, HTML, PDF, Word) or a web page below to start asking questions.",
        )
    rows = "".join(_library_row(item) for item in sorted(sources, key=lambda s: s.added, reverse=True))
    passages = sum(item.chunks for item in sources)
    summary = (
        f"{len(sources)} document{'s' if len(sources) != 1 else ''} · {passages} passage{'s' if passages != 1 else ''}"
    )
    return (
        f'<div class="lib-summary">{summary}</div>'
        '<table class="lib-table"><thead><tr><th>Document</th><th class="lib-num">Passages</th>'
        "<th>Added</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _library_row(item: SourceInfo) -> str:
    """A document's row: title, id (and address, for a web page), passages, when it was added."""
    address = f'<div class="lib-id">{_text(item.path)}</div>' if item.path.startswith(("http://", "https://")) else ""
    return (
        f'<tr><td><div class="lib-title">{_text(item.title)}</div>'
        f'<div class="lib-id">{_text(item.source)}</div>{address}</td>'
        f'<td class="lib-num">{item.chunks}</td><td class="lib-when">{_text(when(item.added))}</td></tr>'
    )


def when(iso_time: str) -> str:
    """An ISO time as "22 Nov 2025, 08:58 UTC"; unknown or odd values are shown as they are."""
    try:
        moment = datetime.fromisoformat(iso_time)
    except (TypeError, ValueError):
        return iso_time or "—"
    zone = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return f"{moment.day} {moment:%b %Y, %H:%M}{zone}"
