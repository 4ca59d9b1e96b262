"""Settings: where the data lives and which model embeds it, checked when they are made."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge import redact
from knowledge.errors import ConfigError

DEFAULT_MODEL = "all-minilm-l6-v2"
DEFAULT_RERANKER = "ms-marco-minilm-l12"  # knowledge.crossencoder's bundled cross-encoder
NO_RERANKER = "none"


def default_home() -> Path:
    """``$PRESSROOM_HOME``, or the per-user data directory (``~/.local/share/pressroom`` on Linux)."""
    configured = os.environ.get("PRESSROOM_HOME", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("pressroom", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything that decides which index a process reads and writes.

    >>> Settings(home=Path("/tmp/pressroom-demo")).model
    'all-minilm-l6-v2'
    """

    home: Path
    model: str = DEFAULT_MODEL
    chroma_url: str | None = None
    reranker: str = DEFAULT_RERANKER  # "none": the fused ranking as it is (for comparison)

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("The embedding model name is empty: set PRESSROOM_MODEL or leave it unset.")
        if self.chroma_url is not None and not self.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"PRESSROOM_CHROMA_URL must look like http://host:port, got {redact.url(self.chroma_url)!r}."
            )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PRESSROOM_HOME``, ``PRESSROOM_MODEL``, ``PRESSROOM_CHROMA_URL`` and
        ``PRESSROOM_RERANKER``."""
        settings = cls(
            home=default_home(),
            model=os.environ.get("PRESSROOM_MODEL", "").strip() or DEFAULT_MODEL,
            chroma_url=os.environ.get("PRESSROOM_CHROMA_URL", "").strip() or None,
            reranker=os.environ.get("PRESSROOM_RERANKER", "").strip() or DEFAULT_RERANKER,
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(settings, **given) if given else settings  # type: ignore[arg-type]
