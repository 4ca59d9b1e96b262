"""Keeping secrets out of messages: passwords inside URLs, API keys, PRESSROOM_AUTH entries.

Every message Pressroom shows may be pasted into a bug report or a chat, and some end up in logs,
so a setting that holds a secret is only ever shown through these functions.

>>> url("http://admin:s3cret@chroma.internal:8000/api")
'http://***@chroma.internal:8000/api'
>>> scrub("server said: bad key sk-live-1234", "sk-live-1234")
'server said: bad key ***'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def url(value: str) -> str:
    """``value`` with any ``user:password@`` part replaced by ``***@`` (also when it has no scheme).

    >>> url("admin:pw@127.0.0.1:8000"), url("http://127.0.0.1:8000")
    ('***@127.0.0.1:8000', 'http://127.0.0.1:8000')
    """
    if "@" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or "@" not in parts.netloc:
        return "***@" + value.rsplit("@", 1)[1]
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with each secret (four characters or more) replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def urls_in(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it replaced by ``***@``.

    >>> urls_in("Connection to https://bob:pw@10.0.0.5:8000/v1 refused")
    'Connection to https://***@10.0.0.5:8000/v1 refused'
    """
    return re.sub(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@", r"\1***@", text)


_AUTHORIZATION = re.compile(
    r"(?i)(authorization|api[-_]?key|x-api-key|password)(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic)\s+)?[^\s'\",}]+"
)


def text(message: str, *secrets: str | None) -> str:
    """``message`` (say, an error a server sent back) without secrets: the given ones, passwords in
    URLs, and the values of Authorization, API key and password fields.

    >>> text("401: {'Authorization': 'Bearer sk-1234'} from http://u:pw@host/v1")
    "401: {'Authorization': '***'} from http://***@host/v1"
    """
    message = _AUTHORIZATION.sub(lambda match: f"{match.group(1)}{match.group(2)}***", scrub(message, *secrets))
    return urls_in(message)
