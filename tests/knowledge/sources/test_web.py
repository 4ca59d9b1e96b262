"""Web pages by address, served from loopback: the article is answerable, every bad address is one line."""

from __future__ import annotations

import doctest
import importlib
import json

import pytest

from knowledge import Index
from knowledge.sources import web
from tests.fake_http import serve_pages
from tests.files import release_page
from tests.ui.conftest import free_port

HTML = "text/html; charset=utf-8"


def release_routes() -> dict[str, tuple[int, str, bytes]]:
    return {"/news/mali-plan.html": (200, HTML, release_page().encode())}


def state(index: Index) -> tuple[int, list[str]]:
    return index.store.chunk_count(), [s.source for s in index.sources()]


def test_a_page_by_address_is_answerable_and_keeps_the_article_not_the_menu(fake_index: Index) -> None:
    with serve_pages(release_routes()) as base:
        report = fake_index.ingest([f"{base}/news/mali-plan.html"])

    assert (report.added, report.skipped) == (1, [])
    document = fake_index.get_document("127.0.0.1-news-mali-plan")
    assert document.path == f"{base}/news/mali-plan.html"
    assert document.title.startswith("Mali Launches a National Action Plan to Combat Trafficking in Persons")
    assert "KASSOGUE, chaired the official launch ceremony" in document.text
    assert (
        "Who we are" not in document.text
        and "Privacy policy" not in document.text
        and "Related news" not in document.text
    )
    passages = fake_index.search("Who chaired the official launch ceremony?", k=8)
    mine = [p for p in passages if p.source == document.source]
    assert mine and all(document.text[p.start : p.end] == p.text for p in mine)


def test_ingesting_the_address_again_updates_the_document_when_the_page_changed(fake_index: Index) -> None:
    routes = release_routes()
    with serve_pages(routes) as base:
        address = f"{base}/news/mali-plan.html"
        fake_index.ingest([address])
        assert fake_index.ingest([address]).unchanged == 1
        page = release_page()
        routes["/news/mali-plan.html"] = (
            200,
            HTML,
            page.replace("window.dataLayer = []", "window.dataLayer = [7]").encode(),
        )
        assert fake_index.ingest([address]).unchanged == 1, "a change outside the text is no change"
        routes["/news/mali-plan.html"] = (
            200,
            HTML,
            page.replace("Thursday 19 October 2023", "Friday 20 October 2023").encode(),
        )
        report = fake_index.ingest([address])

    assert (report.added, report.sources) == (1, ["127.0.0.1-news-mali-plan"])
    assert "Friday 20 October 2023" in fake_index.get_document("127.0.0.1-news-mali-plan").text
    assert [s.source for s in fake_index.sources()].count("127.0.0.1-news-mali-plan") == 1


def test_redirects_are_followed_and_the_address_asked_is_kept(fake_index: Index) -> None:
    routes = release_routes()
    routes["/old"] = (301, HTML, b"/news/mali-plan.html")
    with serve_pages(routes) as base:
        fake_index.ingest([f"{base}/old"])
    assert fake_index.get_document("127.0.0.1-old").path == f"{base}/old"


@pytest.mark.parametrize(
    ("route", "reason", "says"),
    [
        ((404, HTML, b"<h1>Not found</h1>"), "not found", "the page was not found (HTTP 404); check the address."),
        ((503, HTML, b"busy"), "unreadable", "the server answered with an error (HTTP 503); try again later."),
        ((403, HTML, b"no"), "unreadable", "the server refused access (HTTP 403)"),
        (
            (200, "image/png", b"\x89PNG\r\n"),
            "unsupported format",
            "is not a web page but image/png; download it and ingest the file instead.",
        ),
        ((200, HTML, b"<html><body><script>x()</script></body></html>"), "empty", "has no readable text"),
        ((200, HTML, bytes(range(256)) * 8), "binary", "looks like a binary file"),
    ],
)
def test_a_bad_page_is_one_clear_line_and_leaves_the_index_unchanged(
    fake_index: Index, route: tuple[int, str, bytes], reason: str, says: str
) -> None:
    fake_index.ensure_default()
    before = state(fake_index)
    with serve_pages({"/page": route}) as base:
        report = fake_index.ingest([f"{base}/page"])

    assert [(s.path, s.reason) for s in report.skipped] == [(f"{base}/page", reason)]
    assert report.errors[0].startswith(f"{base}/page: ") and says in report.errors[0] and "\n" not in report.errors[0]
    assert state(fake_index) == before


def test_an_unreachable_host_is_one_line(fake_index: Index) -> None:
    address = f"http://127.0.0.1:{free_port()}/news"  # nobody listens there

    report = fake_index.ingest([address])

    assert report.errors == [
        f"{address}: cannot reach 127.0.0.1 (connection refused); check the address and your network connection."
    ]


@pytest.mark.parametrize("unsized", [False, True], ids=["announced size", "streamed"])
def test_a_huge_page_is_refused(fake_index: Index, monkeypatch: pytest.MonkeyPatch, unsized: bool) -> None:
    monkeypatch.setattr(web, "MAX_PAGE_BYTES", 50_000)
    routes = {"/huge": (200, HTML, b"<p>" + b"All work and no play. " * 10_000 + b"</p>")}
    with serve_pages(routes, unsized=frozenset({"/huge"} if unsized else ())) as base:
        report = fake_index.ingest([f"{base}/huge"])
    assert [s.reason for s in report.skipped] == ["too large"] and "larger than 0 MB" in report.errors[0]


def test_a_slow_server_is_one_line(fake_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "TIMEOUT", 0.3)
    with serve_pages(release_routes(), delay=1.0) as base:
        report = fake_index.ingest([f"{base}/news/mali-plan.html"])
    assert report.errors == [
        f"{base}/news/mali-plan.html: the server did not answer within 0 seconds; try again later."
    ]


def test_too_many_redirects_and_bad_addresses(fake_index: Index) -> None:
    with serve_pages({"/a": (302, HTML, b"/b"), "/b": (302, HTML, b"/a")}) as base:
        report = fake_index.ingest([f"{base}/a", "ftp://example.org/file.txt", "http://"])
    assert [s.reason for s in report.skipped] == ["unsupported format", "not found", "unreadable"]
    assert "more than 5 redirects" in report.errors[-1]


def test_a_server_for_others_does_not_fetch_local_addresses(fake_index: Index) -> None:
    with serve_pages(release_routes()) as base:
        report = fake_index.ingest([f"{base}/news/mali-plan.html"], private_addresses=False)
    assert "127.0.0.1 is on this machine or a private network" in report.errors[0]


def test_the_charset_the_server_names_is_used(fake_index: Index) -> None:
    page = (
        "<html><body><h1>Réunion à Kayes</h1>"
        "<p>Le comité s'est réuni à Kayes le 3 août 2022 pour préparer l'été.</p></body></html>"
    )
    with serve_pages({"/fr": (200, "text/html; charset=iso-8859-1", page.encode("latin-1"))}) as base:
        report = fake_index.ingest([f"{base}/fr"])
    assert report.notes == [] and "réuni à Kayes le 3 août" in fake_index.get_document("127.0.0.1-fr").text


def test_the_cli_ingests_an_address_and_says_why_it_cannot(
    use_fake_model: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main

    with serve_pages(release_routes()) as base:
        assert main(["ingest", "--json", f"{base}/news/mali-plan.html"]) == 0
        assert json.loads(capsys.readouterr().out)["added"] == 1
        assert main(["ingest", f"{base}/missing"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"skipped: {base}/missing: the page was not found (HTTP 404); check the address."]


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(importlib.import_module("knowledge.sources.web")).failed == 0
