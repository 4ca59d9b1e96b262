"""The markup the chat shows: document text can only ever be text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.types import Answer, Citation
from knowledge.types import Document, Passage, SourceInfo
from ui import render

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> [link](javascript:alert(3)) ![px](http://x/p.png) '
    "**b** $$x$$"
)
ALLOWED_TAGS = {
    "div",
    "article",
    "header",
    "span",
    "p",
    "mark",
    "button",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
}


class TagCollector(HTMLParser):
    """Every tag and attribute name in a piece of HTML, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def parsed(markup: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(markup)
    return collector


def document(text: str, title: str = "Memo", pages: tuple[int, ...] = ()) -> Document:
    return Document("memo", title, text, "/tmp/memo.txt", page_starts=pages)


def answer_quoting(text: str, quote: str, title: str = "Memo") -> tuple[Answer, Document]:
    start = text.index(quote)
    citation = Citation(1, "memo", title, quote, start, start + len(quote))
    passage = Passage("p1", "memo", title, text, 0, len(text), 0.9)
    return Answer("When?", f"{quote} [1]", (citation,), (passage,)), document(text, title)


def test_source_card_highlights_the_quote_inside_its_passage() -> None:
    text = "The plan was drafted in 2022. It was launched on 19 October 2023 in Bamako. IOM supported it."
    answer, doc = answer_quoting(text, "It was launched on 19 October 2023 in Bamako.")

    html = render.sources_panel(answer, lambda _: doc)

    assert '<mark class="src-quote">It was launched on 19 October 2023 in Bamako.</mark>' in html
    assert "The plan was drafted in 2022. <mark" in html and "</mark> IOM supported it." in html
    assert 'data-source="memo" data-start="30" data-end="75"' in html


def test_hostile_document_text_and_title_become_plain_text_in_cards() -> None:
    text = f"Intro. {HOSTILE} Ending."
    answer, doc = answer_quoting(text, HOSTILE, title='<b onmouseover="alert(4)">Title</b>')

    html = render.sources_panel(answer, lambda _: doc)

    collector = parsed(html)
    assert collector.tags <= ALLOWED_TAGS
    assert not {name for name in collector.attributes if name.startswith("on")}
    assert "&lt;script&gt;" in html and "&lt;b onmouseover=" in html


def test_closest_passages_are_shown_when_the_assistant_abstains() -> None:
    passage = Passage("p1", "memo", "Memo", "Nothing about the weather here.", 0, 31, 0.1)
    answer = Answer(
        "Weather?",
        "The sources do not say: none of the indexed passages answers this question.",
        (),
        (passage,),
        abstained=True,
    )

    html = render.sources_panel(answer, lambda _: None)
    message = render.answer_markdown(answer)

    assert "came closest" in html and "Nothing about the weather here." in html and "<mark" not in html
    assert message.startswith("**The sources do not say.** None of the indexed passages")
    assert "> Nothing about the weather here\\." in message  # the closest passage, quoted in the reply


def test_markers_become_badges_only_for_known_citations() -> None:
    markdown = render.marked_markdown("Launched in 2023 [1], see table [7].", known=[1])

    assert '<sup class="cite-marker" title="Source 1">1</sup>' in markdown
    assert "\\[7\\]" in markdown  # a bracketed number quoted from a document stays text


@dataclass(frozen=True)
class CheckedAnswer(Answer):
    """An answer as a generative answerer returns it: a notice, and sentences the sources do not support."""

    notice: str = ""
    flagged: tuple[str, ...] = ()

    @property
    def unsupported(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.flagged


def test_unsupported_sentences_are_underlined_and_notices_shown() -> None:
    answer = CheckedAnswer(
        "When?", "It launched in 2023. [1] It cost <b>$5m</b>.", (Citation(1, "memo", "Memo", "x", 0, 1),),
        notice="The model could not be reached; this is the extractive answer.", flagged=("It cost <b>$5m</b>.",),
    )  # fmt: skip

    message = render.answer_markdown(answer)

    assert '<sup class="cite-marker" title="Source 1">1</sup>' in message
    assert (
        '<span class="unsupported" title="The sources do not support this sentence">'
        "It cost &lt;b&gt;\\$5m&lt;\\/b&gt;\\.</span>" in message
    )
    assert "Underlined sentences are not supported by the sources." in message
    assert message.endswith(
        '<span class="answer-notice">The model could not be reached\\; this is the extractive answer\\.</span>'
    )


@given(st.text(alphabet=st.sampled_from(list("<>&[]()!*_`#$\\:/\"' abc=\n")), max_size=60))
def test_escaped_markdown_holds_no_live_syntax(text: str) -> None:
    escaped = render.escape_markdown(text)

    assert "<" not in escaped and ">" not in escaped
    # every markdown punctuation mark is preceded by a backslash (an escaped backslash counts)
    unescaped = re.sub(
        r"\\.", "", escaped.replace("&lt;", "").replace("&gt;", "").replace("&amp;", ""), flags=re.DOTALL
    )
    assert not set(unescaped) & set("[]()!*_`#$\\")


def test_document_view_marks_the_quote_and_labels_pdf_pages() -> None:
    text = "First page text.\n\f\nSecond page holds the quote here.\n\f\nThird."
    start = text.index("the quote")
    doc = document(text, pages=(0, text.index("Second"), text.index("Third")))

    html = render.document_view(doc, start, start + len("the quote"))

    assert '<mark class="focus">the quote</mark>' in html
    assert html.count('class="doc-page"') == 3 and "Page 2</span>Second page holds" in html
    assert "quote on page 2" in html and "\f" not in html


def test_document_view_of_a_long_document_is_a_window_around_the_quote() -> None:
    filler = "Lorem ipsum dolor sit amet. " * 12_000  # about 336,000 characters
    text = filler + "THE QUOTE." + filler
    start = text.index("THE QUOTE.")

    html = render.document_view(document(text), start, start + 10)

    assert '<mark class="focus">THE QUOTE.</mark>' in html
    assert len(html) < render.VIEWER_CHARS + 2_000
    assert "earlier text not shown" in html and "later text not shown" in html


def test_document_view_ignores_offsets_outside_the_text() -> None:
    html = render.document_view(document("Short text."), 50, 60)

    assert "<mark" not in html and "Short text." in html


def test_library_table_escapes_titles_and_shows_when_added() -> None:
    sources = [SourceInfo("memo", "<script>x</script> Memo", 3, "/tmp/memo.txt", "2025-11-22T08:58:00+00:00")]

    html = render.library_table(sources)

    assert "&lt;script&gt;x&lt;/script&gt; Memo" in html and "<script" not in html
    assert "22 Nov 2025, 08:58 UTC" in html and "1 document · 3 passages" in html
    assert "No documents yet" in render.library_table([])


@pytest.mark.parametrize(
    "value, shown", [("", "—"), ("yesterday", "yesterday"), ("2024-03-04T10:00:00", "4 Mar 2024, 10:00")]
)
def test_when_shows_odd_times_as_they_are(value: str, shown: str) -> None:
    assert render.when(value) == shown


def test_an_uncertain_answer_is_marked_and_offers_the_runner_up() -> None:
    quote = Citation(1, "memo", "Memo", "The plan runs to 2027.", 0, 22)
    runner_up = Citation(0, "memo", "Memo", "The previous plan <ended> in 2022.", 23, 56)
    unsure = Answer("Until when?", "The plan runs to 2027. [1]", (quote,), confidence=0.41, alternative=runner_up)
    sure = Answer("Until when?", "The plan runs to 2027. [1]", (quote,), confidence=0.93)
    markdown = render.answer_markdown(unsure)
    assert unsure.uncertain and "Uncertain" in markdown and "41%" in markdown
    assert "previous plan &lt;ended&gt; in 2022" in markdown and "<ended>" not in markdown  # quoted, escaped
    assert not sure.uncertain and "Uncertain" not in render.answer_markdown(sure)
    assert not Answer("x", "The sources do not say.", abstained=True, confidence=0.1).uncertain


def test_a_web_page_card_shows_its_address_as_a_link() -> None:
    text = "Intro. The plan was launched in Bamako. End."
    answer, _ = answer_quoting(text, "The plan was launched in Bamako.")
    page = Document("iom.int-news-plan", "Memo", text, "https://www.iom.int/news/plan?a=1&b=<2>")

    html = render.sources_panel(answer, lambda _: page)
    viewer = render.document_view(page)

    assert (
        '<a href="https://www.iom.int/news/plan?a=1&amp;b=&lt;2&gt;" target="_blank" '
        'rel="noopener noreferrer nofollow">' in html
    )
    assert parsed(html).tags <= ALLOWED_TAGS | {"a"} and "https://www.iom.int/news/plan" in viewer
    assert "<a " not in render.sources_panel(answer, lambda _: document(text))  # a file: no link
