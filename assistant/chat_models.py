"""The chat models that write generative answers, all behind LangChain's ``BaseChatModel`` interface.

``chat_model(settings)`` makes the one ``LLMSettings`` describe: LangChain's own for an
OpenAI-compatible or Ollama server, or ``LocalLlamaChat``, a GGUF file run in-process by llama.cpp.

>>> model = chat_model(LLMSettings.from_env())   # doctest: +SKIP
>>> model.invoke("Say hello.").content            # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from assistant.llm import EXTRA_HINT, LLMSettings, ModelTimeout, bundled_model_path
from knowledge import ModelError


def chat_model(settings: LLMSettings) -> BaseChatModel:
    """The LangChain chat model ``settings`` describe; raises ``ModelError`` with a fix when it cannot be made."""
    if settings.provider == "local":
        path = Path(settings.model).expanduser() if settings.model else bundled_model_path()
        if not path.is_file():
            raise ModelError(
                f"No model file at {path}: set PRESSROOM_LLM_MODEL to a .gguf file, "
                "or leave it unset for the bundled one."
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
