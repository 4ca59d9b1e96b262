"""Serving safely: loopback by default, optional login from PRESSROOM_AUTH, no share link."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.errors import ConfigError
from tests.ui.conftest import free_port
from ui.auth import is_loopback, logins_from_env

PRESSROOM = Path(sys.executable).with_name("pressroom")


@pytest.mark.parametrize(
    "value, logins",
    [
        ("editor:s3cret", [("editor", "s3cret")]),
        (" a:pw1 , b:p:w:2 ", [("a", "pw1"), ("b", "p:w:2")]),
        ("", None),
        ("   ", None),
    ],
)
def test_logins_from_env(value: str, logins: list[tuple[str, str]] | None) -> None:
    assert logins_from_env({"PRESSROOM_AUTH": value}) == logins


@pytest.mark.parametrize("value", ["editor", "editor:", ":pw", "a:pw,,b:pw"])
def test_malformed_logins_say_what_to_fix(value: str) -> None:
    with pytest.raises(ConfigError, match='PRESSROOM_AUTH must look like "user:password"'):
        logins_from_env({"PRESSROOM_AUTH": value})


def test_launch_options_are_safe_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.app import launch_options

    monkeypatch.delenv("PRESSROOM_AUTH", raising=False)
    options = launch_options("127.0.0.1", 7860, share=False)

    assert options["server_name"] == "127.0.0.1" and options["share"] is False and options["auth"] is None
    assert options["enable_monitoring"] is False and options["run_history"] is False
    assert options["footer_links"] == ["api"] and options["max_file_size"]
    monkeypatch.setenv("PRESSROOM_AUTH", "editor:s3cret")
    assert launch_options("0.0.0.0", 80, share=True)["auth"] == [("editor", "s3cret")]


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_serve_explains_a_busy_port(use_fake_model: None) -> None:
    from ui.app import serve

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"Cannot serve on 127.0.0.1:{port} .*choose another --port"):
            serve("127.0.0.1", port)


@pytest.fixture
def chat_with_login(pressroom_home: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`pressroom chat` as a user starts it, with a login and the fast fake model."""
    port = free_port()
    env = {**os.environ, "PRESSROOM_MODEL": "hashing", "PRESSROOM_AUTH": "editor:s3cret", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(PRESSROOM), "chat", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _wait_for_listener(port, process)
        yield f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_pressroom_chat_binds_loopback_and_requires_the_login(
    chat_with_login: tuple[str, subprocess.Popen[str]],
) -> None:
    from gradio_client import Client

    url, process = chat_with_login
    port = int(url.rsplit(":", 1)[1].strip("/"))

    assert _listening_addresses(port) == {"127.0.0.1"}
    with pytest.raises(Exception, match="401|[Ll]ogin|[Uu]nauthori"):
        Client(url, verbose=False)
    client = Client(url, auth=("editor", "s3cret"), verbose=False)
    answer = client.predict("Who chaired the launch ceremony?", api_name="/ask")
    client.close()
    assert answer["citations"] and answer["citations"][0]["source"] == "iom-mali-trafficking-2023"
    process.terminate()
    output = process.communicate(timeout=20)[0]
    assert f"Pressroom is running on {url.rstrip('/')} (login required: PRESSROOM_AUTH)" in output
    assert "Traceback" not in output


def _wait_for_listener(port: int, process: subprocess.Popen[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pressroom chat exited early:\n{process.stdout.read() if process.stdout else ''}")
        if _listening_addresses(port):
            return
        time.sleep(0.25)
    raise AssertionError(f"pressroom chat did not listen on port {port} within {timeout:.0f}s")


def _listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a listening socket on ``port``, from /proc/net/tcp (Linux)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
            addresses.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return addresses
