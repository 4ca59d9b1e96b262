"""Exposure, where the chat listens: on loopback only by default; bound to another address without
a login, it says so. (The login itself, uploads and secrets: ``test_exposure.py``.)"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from knowledge import Index
from tests.reliability.conftest import PRESSROOM, stop
from tests.ui.conftest import GRADIO_NOISE, free_port

pytestmark = [GRADIO_NOISE]


def listening(port: int) -> set[str]:
    """Addresses with a listening TCP socket on ``port`` (IPv4 and IPv6), from /proc."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.slow
def test_pressroom_chat_listens_on_loopback_only_by_default(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path / "home"), "PRESSROOM_MODEL": "hashing"}
    env.pop("PRESSROOM_AUTH", None)
    process = subprocess.Popen(
        [str(PRESSROOM), "chat", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not listening(port) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.25)
        assert listening(port) == {"0100007F"}, listening(port)  # 127.0.0.1 only: no 0.0.0.0, no [::]
        assert (
            httpx.get(f"http://127.0.0.1:{port}/config", timeout=10).status_code == 200
        )  # no login configured: open, locally
    finally:
        output = stop(process)
    assert "share" not in output.lower() and "gradio.live" not in output


def test_binding_another_address_without_a_login_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_index: Index
) -> None:
    """Nothing is bound here: ``launch`` is replaced, the options it would get are checked."""
    import ui.app as app_module

    launched: dict[str, Any] = {}

    class FakeApp:
        def queue(self, **_: Any) -> FakeApp:
            return self

        def launch(self, **options: Any) -> None:
            launched.update(options)

        def block_thread(self) -> None:
            pass

    monkeypatch.delenv("PRESSROOM_AUTH", raising=False)
    monkeypatch.setattr("knowledge.default_index", lambda: fake_index)
    monkeypatch.setattr(app_module, "build_app", lambda index, **_: FakeApp())
    app_module.serve(host="192.0.2.10", port=9)
    assert launched["server_name"] == "192.0.2.10" and launched["share"] is False and launched["auth"] is None
    assert "without a login" in capsys.readouterr().err
