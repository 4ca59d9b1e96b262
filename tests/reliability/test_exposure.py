"""Exposure: a login (when configured) in front of every page and API route, uploads that cannot
leave PRESSROOM_HOME, and no secret in messages or logs (loopback by default: ``test_loopback.py``).

The served app runs in this process on a free loopback port, with the fast fake model and a
document holding a code word; unauthenticated requests must never see it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from knowledge import Index, Settings
from knowledge.embedding import HashingEmbedder
from tests.fake_http import respond
from tests.reliability.conftest import PRESSROOM
from tests.ui.conftest import GRADIO_NOISE, free_port

pytestmark = [GRADIO_NOISE]

USER, PASSWORD = "editor", "Pa55-for-exposure-tests"
CODE_WORD = "ORCHID-7731"  # in an indexed document: an unauthenticated response must never hold it
SECRET_MEMO = f"Vault Memo For The Board\n\nThe vault code is {CODE_WORD}, set on 2 May 2024 in Gao.\n"


@dataclass
class Server:
    url: str
    home: Path
    index: Index
    app: Any

    def leaks(self, text: str) -> list[str]:
        found = [word for word in (CODE_WORD, PASSWORD, "Mali Launches", "Vault Memo") if word in text]
        return found + (["the home folder"] if str(self.home) in text else [])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from ui.app import build_app, launch_options

    home = tmp_path_factory.mktemp("exposure-home")
    index = Index(Settings(home=home, model="hashing"), embedder=HashingEmbedder())
    (home / "uploads").mkdir()
    (home / "uploads" / "vault-memo.txt").write_text(SECRET_MEMO)
    index.ingest([home / "uploads" / "vault-memo.txt"])
    port = free_port()
    saved = os.environ.get("PRESSROOM_AUTH")
    os.environ["PRESSROOM_AUTH"] = f"{USER}:{PASSWORD}"
    try:
        options = launch_options("127.0.0.1", port, share=False)
    finally:
        os.environ.pop("PRESSROOM_AUTH") if saved is None else os.environ.__setitem__("PRESSROOM_AUTH", saved)
    app = build_app(index, stream_delay=0.0).queue(default_concurrency_limit=1)
    app.launch(prevent_thread_lock=True, **options)
    yield Server(f"http://127.0.0.1:{port}", home, index, app)
    app.close()


def routes(app: Any) -> list[tuple[str, str]]:
    """``(method, path)`` of every HTTP route the served app answers, sub-routers included."""

    def walk(items: list[Any]) -> Iterator[Any]:
        for route in items:
            if type(route).__name__ == "_IncludedRouter":
                yield from walk(route.effective_candidates())
            else:
                yield route

    found = set()
    for route in walk(app.server_app.routes if hasattr(app, "server_app") else app.app.routes):
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or ():
            if path and method not in ("HEAD", "OPTIONS"):
                found.add((method, path))
    return sorted(found)


# Routes that answer without the login, each for a reason; all others must refuse (401/403/404).
PUBLIC = {
    r"/": "the login page",
    r"/login/?": "where the login form posts",
    r"/logout": "ends a session",
    r"/(favicon\.ico|robots\.txt|manifest\.json|theme\.css|gradio_api/theme\.css)": (
        "static files that draw the login page"
    ),
    r"/(static|assets|svelte)/\{path:path\}": "the page's code and styles (the login page needs them)",
    r"/pwa_icon(/\{size\})?": "the app's icon",
    r"/gradio_api/(user|token|app_id)/?": "the caller's own session: null without a login",
    r"/gradio_api/login_check/?": "says 401 itself",
    r"/gradio_api/startup-events": "runs the app's start-up events once (none here); returns a boolean",
    r"/gradio_api/heartbeat/\{session_hash\}": "keeps a session alive; carries no data",
    r"/gradio_api/reset/?": "a no-op in Gradio 6",
    r"/gradio_api/cancel": "cancels an event named by its random session and event ids",
    r"/gradio_api/stream/\{event_id\}(/close)?": "feeds an event named by its random id",
    r"/gradio_api/stream/\{session_hash\}/.*": "media segments of a session named by its random id",
    r"/gradio_api/custom_component/.*": "code of custom components (there are none)",
    r"/gradio_api/(undo-)?vibe-(edit|code|starter-queries)/?": "Gradio's vibe editor: 403 unless launched with --vibe",
    r"/monitoring/\{key\}": "403 without the random monitoring key (monitoring is off)",
}
VALUES = {
    "api_name": "ask",
    "path_or_url:path": "{uploads}/vault-memo.txt",
    "path:path": "{uploads}/vault-memo.txt",
    "url_path:path": "http://127.0.0.1:1/",
    "event_id": "e",
    "session_hash": "s",
}
BODY = {"data": ["What is the vault code?"], "fn_index": 0, "session_hash": "s", "event_id": "e", "event_data": None}


def concrete(path: str, server: Server) -> str:
    def value(match: re.Match[str]) -> str:
        return VALUES.get(match.group(1), "x").format(uploads=server.home / "uploads")

    return re.sub(r"\{([^}]+)\}", value, path)


def is_public(path: str) -> str | None:
    return next((reason for pattern, reason in PUBLIC.items() if re.fullmatch(pattern, path)), None)


def test_every_page_and_api_route_requires_the_login(server: Server) -> None:
    checked, refused = [], 0
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for method, path in routes(server.app):
            url = concrete(path, server)
            if "heartbeat" in path:  # an endless event stream: read its first event only
                with http.stream(method, url) as response:
                    body = next(response.iter_text(), "")
            else:
                response = http.request(method, url, json=BODY if method == "POST" else None)
                body = response.text
            checked.append((method, path, response.status_code))
            assert not server.leaks(body), f"{method} {path} answered {response.status_code} with {server.leaks(body)}"
            if is_public(path) is None:  # 404: a route switched off (run history); it says nothing either
                assert response.status_code in (401, 403, 404), (
                    f"{method} {path} answered {response.status_code} without the login"
                )
                refused += 1
    statuses = {(method, path): status for method, path, status in checked}
    guarded = [
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("POST", "/gradio_api/call/{api_name}"),
        ("POST", "/gradio_api/run/{api_name}"),
        ("POST", "/gradio_api/queue/join"),
        ("POST", "/gradio_api/upload"),
        ("GET", "/gradio_api/file={path_or_url:path}"),
    ]
    for key in guarded:
        assert statuses[key] == 401, (key, statuses.get(key))
    assert refused >= 20, checked


def test_the_api_schema_is_not_public(server: Server) -> None:
    """FastAPI's /openapi.json would list every route to anyone; it is switched off."""
    response = httpx.get(f"{server.url}/openapi.json", timeout=10)
    assert response.status_code in (401, 403, 404)


@contextlib.contextmanager
def login(server: Server, password: str = PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        response = http.post("/login", data={"username": USER, "password": password})
        if password == PASSWORD:
            assert response.status_code == 200, response.text
        yield http


def call(http: httpx.Client, api_name: str, data: list[Any]) -> tuple[str, Any]:
    """Gradio's two-step call API: ``("complete", outputs)`` or ``("error", message)``."""
    started = http.post(f"/gradio_api/call/{api_name}", json={"data": data})
    assert started.status_code == 200, started.text
    event_id = started.json()["event_id"]
    events = http.get(f"/gradio_api/call/{api_name}/{event_id}").text
    kind = re.findall(r"^event: (\w+)", events, re.MULTILINE)[-1]
    payload = re.findall(r"^data: (.*)$", events, re.MULTILINE)[-1]
    return kind, json.loads(payload) if payload.strip() not in ("", "null") else None


def test_with_the_login_the_api_answers_and_a_wrong_password_is_refused(server: Server) -> None:
    with login(server) as http:
        kind, outputs = call(http, "ask", ["What is the vault code?", 5, "extractive"])
        assert kind == "complete" and CODE_WORD in outputs[0]["text"], outputs
    with login(server, "wrong-" + PASSWORD) as http:
        assert http.get("/config").status_code == 401
        assert http.post("/gradio_api/call/ask", json={"data": ["What is the vault code?"]}).status_code == 401


# ---- uploads cannot escape PRESSROOM_HOME ---------------------------------------------------------


def snapshot(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")} if folder.exists() else set()


@pytest.mark.parametrize(
    "name",
    [
        "../../../../escaped-upload.txt",
        "..\\..\\escaped-upload.txt",
        "/tmp/escaped-upload.txt",
        "uploads/../../escaped-upload.txt",
        "..",
        ".hidden-escaped-upload.txt",
        "con..escaped-upload.txt",
    ],
)
def test_upload_names_cannot_escape_the_uploads_folder(server: Server, name: str, tmp_path: Path) -> None:
    watched = [server.home.parent, Path("/tmp")]
    before = {folder: {p for p in folder.iterdir()} for folder in watched}
    with login(server) as http:
        content = f"Escape Attempt Notice\n\nThe escape attempt named {name!r} was filed on 3 May 2024.\n".encode()
        uploaded = http.post("/gradio_api/upload", files=[("files", (name, content, "text/plain"))])
        if uploaded.status_code == 400:  # Gradio refuses some names outright ("Invalid file name: ..")
            assert "Invalid file name" in uploaded.text
            return
        assert uploaded.status_code == 200, uploaded.text
        [server_path] = uploaded.json()
        file_data = {"path": server_path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
        kind, outputs = call(http, "add_documents", [[file_data]])
    assert kind == "complete", outputs
    for folder in watched:
        new = {p for p in folder.iterdir()} - before[folder]
        assert not [p for p in new if "escaped" in p.name], f"{name!r} wrote {new} in {folder}"
    stored = [p for p in (server.home / "uploads").iterdir() if "escape" in p.name.lower() or p.name == "document.txt"]
    assert stored, "the upload was not kept under PRESSROOM_HOME/uploads"
    for path in stored:
        assert path.resolve().parent == (server.home / "uploads").resolve() and not path.name.startswith(".")
        path.unlink()


def test_the_api_cannot_ingest_files_that_were_not_uploaded(server: Server, tmp_path: Path) -> None:
    """A client naming a server path (not one Gradio received from it) must not get it indexed."""
    private = tmp_path / "private-notes.txt"
    private.write_text("Private Notes\n\nThe private password of the treasurer is kept in Kayes.\n")
    before = {s.source for s in server.index.sources()}
    with login(server) as http:
        for path in (
            str(private),
            "/etc/hostname",
            str(server.home / "uploads" / "vault-memo.txt") + "/../../../etc/passwd",
        ):
            file_data = {"path": path, "orig_name": Path(path).name, "meta": {"_type": "gradio.FileData"}}
            kind, outputs = call(http, "add_documents", [[file_data]])
            assert kind == "error" or "Added" not in json.dumps(outputs), (path, outputs)
    assert {s.source for s in server.index.sources()} == before


# ---- no secret in messages or logs ------------------------------------------------------------------


def all_text_under(folder: Path) -> str:
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file() and path.stat().st_size < 20_000_000:
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


@pytest.mark.parametrize(
    "variable, value, secret",
    [
        ("PRESSROOM_AUTH", "OnlyAPasswordNoUser42", "OnlyAPasswordNoUser42"),  # the user name was forgotten
        ("PRESSROOM_AUTH", "alice:Alice-Pw-9911,bob", "Alice-Pw-9911"),
        ("PRESSROOM_CHROMA_URL", "http://admin:Chroma-Pw-5521@127.0.0.1:9", "Chroma-Pw-5521"),
        ("PRESSROOM_CHROMA_URL", "admin:Chroma-Pw-5522@127.0.0.1:9", "Chroma-Pw-5522"),
    ],
)
def test_misconfigured_secrets_are_not_echoed(tmp_path: Path, variable: str, value: str, secret: str) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "PRESSROOM_HOME": str(home), "PRESSROOM_MODEL": "hashing", variable: value}
    command = ["chat", "--port", str(free_port())] if variable == "PRESSROOM_AUTH" else ["sources"]
    result = subprocess.run(
        [str(PRESSROOM), *command], check=False, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, (
        result.stderr
    )
    assert secret not in result.stdout + result.stderr
    assert secret not in all_text_under(home) if home.exists() else True


def test_passwords_and_keys_stay_out_of_server_output_logs_and_errors(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wrong logins, failing requests and an unexpected error: none of it writes a secret anywhere."""
    wrong = "Wrong-Pw-" + "7" * 8
    with login(server, wrong) as http:
        http.get("/config")
    with login(server) as http:
        assert call(http, "ask", ["", 5, "extractive"])[0] == "error"
        call(http, "ask", ["When?", "not a number", "extractive"])  # a bug path: logged with its traceback
        kind, message = call(http, "ask", ["When?", 5, "no-such-answerer"])
        assert kind == "error" and message is None or PASSWORD not in json.dumps(message)
    written = all_text_under(server.home)
    for secret in (PASSWORD, wrong):
        assert secret not in written, f"{secret} was written under PRESSROOM_HOME"


class EchoingServer:
    """An OpenAI-compatible endpoint that refuses every request and echoes what it was sent
    (as some proxies do): whatever Pressroom shows of its answer must not carry the key."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                echoed = {key: value for key, value in self.headers.items()}
                body = json.dumps(
                    {"error": {"message": f"bad request, you sent {echoed}", "type": "invalid_request_error"}}
                ).encode()
                respond(self, 400, body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def test_an_llm_key_and_url_password_stay_out_of_answers_and_logs(
    fake_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("langchain_openai", reason="the llm extra is not installed")
    from assistant import ask

    key, url_password = "sk-Key-" + "6262" * 6, "UrlPw-8181"
    echo = EchoingServer()
    try:
        monkeypatch.setenv("PRESSROOM_LLM", "openai")
        monkeypatch.setenv("PRESSROOM_LLM_MODEL", "test-model")
        monkeypatch.setenv("PRESSROOM_LLM_URL", f"http://bob:{url_password}@127.0.0.1:{echo.port}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", key)
        answer = ask("When was the plan launched?", answerer="llm", index=fake_index)
    finally:
        echo.close()
    shown = json.dumps(answer.as_dict(), ensure_ascii=False)
    assert answer.notice, "the model's failure should be explained"
    import base64

    for secret in (key, url_password, base64.b64encode(f"bob:{url_password}".encode()).decode()):
        assert secret not in shown, f"{secret} is in the answer: {answer.notice}"
        assert secret not in all_text_under(fake_index.settings.home)
