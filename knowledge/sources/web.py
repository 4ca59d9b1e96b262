"""Web pages by address: fetched with httpx, with a time limit, a size limit and checked redirects.

A page's document id is a slug of its host and path ("https://www.iom.int/news/mali-launches"
becomes ``iom.int-news-mali-launches``): stable, and written like a file name, so citations and
``get_document`` work as for files. The address itself is the document's ``path``.

>>> page_source_id("https://www.iom.int/news/mali-launches-plan?lang=en#top")
'iom.int-news-mali-launches-plan-lang-en'
>>> normalise(" HTTPS://Example.ORG/a b#part ")
'https://example.org/a%20b'
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from knowledge.errors import IngestError
from knowledge.sources.files import slug

MAX_PAGE_BYTES = 10 * 1024 * 1024
TIMEOUT = 20.0  # seconds to connect, and between two reads
MAX_REDIRECTS = 5
USER_AGENT = "Pressroom/0.1 (reads press releases to answer questions about them)"
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}
_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_MAX_ID = 80


@dataclass(frozen=True)
class Page:
    """A fetched page: its address as asked, where it was found, its bytes, the reader's suffix and charset."""

    address: str
    final: str
    data: bytes
    suffix: str
    charset: str | None


def is_address(target: object) -> bool:
    """Whether an ingest target is a web address ("https://...") rather than a path."""
    return isinstance(target, str) and bool(_ADDRESS.match(target.strip()))


def normalise(address: str) -> str:
    """The address as stored: scheme and host in lower case, spaces quoted, no ``#fragment``."""
    address = address.strip()
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:
        raise IngestError(f"{address}: is not a valid web address; check it and try again.", "not found") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise IngestError(
            f"{address}: only http:// and https:// addresses can be fetched; download the file and ingest it.",
            "unsupported format",
        )
    if not parts.hostname:
        raise IngestError(f"{address}: the address has no host name; check it and try again.", "not found")
    host = parts.hostname.lower() + (f":{port}" if port else "")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def page_source_id(address: str) -> str:
    """A file-name-like id from the host (without "www.") and the path and query of ``address``."""
    parts = urlsplit(address)
    host = (parts.hostname or "page").removeprefix("www.")
    path = re.sub(r"(/index)?\.(html?|php|aspx?|jsp)$", "", parts.path.rstrip("/"))
    made = slug(" ".join(piece for piece in (host, path.replace("/", " "), parts.query) if piece))
    if len(made) > _MAX_ID:  # long addresses: a prefix, and a hash that keeps two of them apart
        made = f"{made[: _MAX_ID - 9].rstrip('-.')}-{hashlib.sha256(address.encode()).hexdigest()[:8]}"
    return made


def fetch(address: str, allow_private: bool = True) -> Page:
    """Fetch ``address``: redirects followed (each one checked), ``MAX_PAGE_BYTES`` at most.

    ``allow_private=False`` refuses hosts on this machine or the local network (a server that
    fetches for others must not reach its own neighbours). Every failure is one ``IngestError``.
    """
    import httpx

    url = normalise(address)
    try:
        with httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if not allow_private:
                    _check_public(address, url)
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = normalise(urljoin(url, response.headers["location"]))
                        continue
                    return _page(address, url, response)
    except IngestError:
        raise
    except httpx.TimeoutException:
        raise IngestError(
            f"{address}: the server did not answer within {TIMEOUT:.0f} seconds; try again later.", "unreadable"
        ) from None
    except (httpx.ConnectError, httpx.NetworkError, OSError) as error:
        host = urlsplit(url).hostname
        raise IngestError(
            f"{address}: cannot reach {host} ({_reason(error)}); check the address and your network connection.",
            "unreadable",
        ) from None
    except httpx.HTTPError as error:
        raise IngestError(
            f"{address}: the page could not be fetched ({type(error).__name__}); check the address and try again.",
            "unreadable",
        ) from None
    raise IngestError(
        f"{address}: more than {MAX_REDIRECTS} redirects; open it in a browser and ingest the address it ends at.",
        "unreadable",
    )


def _page(address: str, url: str, response: object) -> Page:
    """The body of a final (non-redirect) response, or why it cannot be used."""
    status = response.status_code  # type: ignore[attr-defined]
    if status in (404, 410):
        raise IngestError(f"{address}: the page was not found (HTTP {status}); check the address.", "not found")
    if status in (401, 403):
        raise IngestError(
            f"{address}: the server refused access (HTTP {status}); "
            "save the page from your browser and ingest the file.",
            "unreadable",
        )
    if status >= 400:
        raise IngestError(
            f"{address}: the server answered with an error (HTTP {status}); try again later.", "unreadable"
        )
    headers = response.headers  # type: ignore[attr-defined]
    media, _, options = str(headers.get("content-type", "text/html")).partition(";")
    suffix = PAGE_TYPES.get(media.strip().lower())
    if suffix is None:
        raise IngestError(
            f"{address}: is not a web page but {media.strip() or 'unknown content'}; "
            "download it and ingest the file instead.",
            "unsupported format",
        )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PAGE_BYTES:
        raise _too_large(address)
    body = bytearray()
    for piece in response.iter_bytes():  # type: ignore[attr-defined]
        body += piece
        if len(body) > MAX_PAGE_BYTES:
            raise _too_large(address)
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", options, re.IGNORECASE)
    return Page(normalise(address), url, bytes(body), suffix, charset.group(1) if charset else None)


def _too_large(address: str) -> IngestError:
    return IngestError(
        f"{address}: the page is larger than {MAX_PAGE_BYTES // 2**20} MB; "
        "save the part you need as a file and ingest that.",
        "too large",
    )


def _check_public(address: str, url: str) -> None:
    """Refuse a host that resolves to this machine or a private network."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise IngestError(
            f"{address}: cannot find the host {parts.hostname}; check the address.", "not found"
        ) from None
    for *_, sockaddr in found:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not ip.is_global:
            raise IngestError(
                f"{address}: {parts.hostname} is on this machine or a private network, "
                "which the chat does not fetch from; "
                "ingest it with `pressroom ingest` on this machine instead.",
                "unreadable",
            )


def _reason(error: BaseException) -> str:
    """A short cause for a connection failure: "connection refused", "name not found"..."""
    text = str(error).lower()
    for needle, said in (("refused", "connection refused"), ("name or service", "host name not found"),
                         ("nodename", "host name not found"), ("temporary failure", "host name not found"),
                         ("unreachable", "network unreachable"), ("ssl", "a secure connection failed"),
                         ("certificate", "its certificate is not valid")):  # fmt: skip
        if needle in text:
            return said
    return type(error).__name__
