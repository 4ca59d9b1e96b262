"""Optional login for the chat, from ``PRESSROOM_AUTH`` (never from the command line, where
passwords would show in the process list).

``PRESSROOM_AUTH="user:password"`` or several accounts: ``"alice:pw1,bob:pw2"``. A password may
contain ":" (only the first one separates); unset or empty means no login.

>>> logins_from_env({"PRESSROOM_AUTH": "alice:s3cret:x, bob:pw"})
[('alice', 's3cret:x'), ('bob', 'pw')]
>>> logins_from_env({}) is None
True
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from knowledge import ConfigError

AUTH_VARIABLE = "PRESSROOM_AUTH"


def logins_from_env(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]] | None:
    """The accounts in ``PRESSROOM_AUTH``, or None when it is unset; a ``ConfigError`` if malformed."""
    value = (os.environ if environ is None else environ).get(AUTH_VARIABLE, "").strip()
    if not value:
        return None
    logins = []
    for number, entry in enumerate(value.split(","), 1):
        user, separator, password = entry.strip().partition(":")
        if not separator or not user.strip() or not password:
            # Without a ":" the entry may be a password alone: name the entry by its place, never echo it.
            which = f"the entry for {user.strip()!r}" if separator and user.strip() else f"entry {number}"
            raise ConfigError(f'{AUTH_VARIABLE} must look like "user:password" (or "a:pw1,b:pw2"); check {which}.')
        logins.append((user.strip(), password))
    return logins


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
