"""What the tests' small loopback HTTP servers share."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


def respond(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "application/json") -> None:
    """Send one whole response: status, type and length headers, then ``body``."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
