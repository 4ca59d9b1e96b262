"""The Ollama backend against a small loopback server that speaks Ollama's ``/api/chat`` (NDJSON)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("langchain_ollama", reason="the llm extra is not installed: pip install -e '.[llm]'")

from assistant import Answer, ask, ask_stream
from knowledge import Index
from tests.fake_http import respond

REPLY = "The National Action Plan was launched in Bamako on 19 October 2023 [1]."


class OllamaServer:
    """``POST /api/chat``: the reply in a few NDJSON lines, ``done`` last; or a hang, when told."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.hang = False
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": self.path, **body})
                if server.hang:
                    server.release.wait(10)
                    self.close_connection = True
                    return
                words = REPLY.split(" ")
                lines = [
                    {
                        "model": body.get("model"),
                        "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": w + " "},
                        "done": False,
                    }
                    for w in words
                ]
                lines.append(
                    {
                        "model": body.get("model"),
                        "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": ""},
                        "done": True,
                        "done_reason": "stop",
                        "total_duration": 1,
                        "eval_count": len(words),
                        "prompt_eval_count": 10,
                    }
                )
                data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
                respond(self, 200, data, "application/x-ndjson")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[OllamaServer]:
    server = OllamaServer()
    monkeypatch.setenv("PRESSROOM_LLM", "ollama")
    monkeypatch.setenv("PRESSROOM_LLM_URL", server.url)
    monkeypatch.setenv("PRESSROOM_LLM_MODEL", "smollm2:135m")
    monkeypatch.setenv("PRESSROOM_LLM_TIMEOUT", "2")
    yield server
    server.close()


@pytest.fixture
def index(fake_index: Index) -> Index:
    fake_index.ensure_default()
    return fake_index


def test_answers_through_ollama(ollama: OllamaServer, index: Index) -> None:
    answer = ask("When was the plan launched?", answerer="llm", index=index)
    assert "19 October 2023" in answer.text and answer.citations and answer.notice == ""
    request = ollama.requests[-1]
    assert request["path"] == "/api/chat" and request["model"] == "smollm2:135m"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_streams_through_ollama(ollama: OllamaServer, index: Index) -> None:
    *pieces, final = list(ask_stream("When was the plan launched?", answerer="llm", index=index))
    assert len(pieces) > 5 and "".join(pieces).strip() == REPLY
    assert isinstance(final, Answer) and final.notice == "" and final.citations


def test_a_hanging_ollama_times_out(ollama: OllamaServer, index: Index) -> None:
    ollama.hang = True
    started = time.monotonic()
    answer = ask("When was the plan launched?", answerer="llm", index=index)
    assert time.monotonic() - started < 8
    assert "did not answer within 2 s" in answer.notice and "19 October 2023" in answer.text
