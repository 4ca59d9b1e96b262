"""What the tests' small loopback HTTP servers share."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def respond(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "application/json") -> None:
    """Send one whole response: status, type and length headers, then ``body``."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


Route = tuple[int, str, bytes]  # status, content type, body; a 3xx's body is the Location


@contextlib.contextmanager
def serve_pages(routes: dict[str, Route], delay: float = 0.0, unsized: frozenset[str] = frozenset()) -> Iterator[str]:
    """A loopback HTTP server answering ``routes`` by path (404 for others); yields its base address.

    ``routes`` may be changed while it runs (a page that changes between two ingests). Paths in
    ``unsized`` are sent without a Content-Length (the body ends when the connection closes).
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            status, content_type, body = routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
            if 300 <= status < 400:
                self.send_response(status)
                self.send_header("Location", body.decode())
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path in unsized:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)
                return
            respond(self, status, body, content_type)

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
