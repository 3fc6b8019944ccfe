"""Whether an address names this machine: the one place plain ``http://`` is acceptable (the
Bot API's base URL, the dashboard's cookie without ``Secure``)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(url: str) -> bool:
    """True when ``url``'s host is ``localhost``, in 127.0.0.0/8, or ``::1``."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_http(url: str) -> bool:
    """Plain ``http://`` on this machine (a test, a proxy beside us)."""
    return url.startswith("http://") and is_loopback(url)
