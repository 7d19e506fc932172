"""Helpers for tests that talk to a live server over HTTP (live_server): no client library, just urllib."""
from __future__ import annotations

import urllib.error
import urllib.request


def fetch(url: str) -> int:
    """GET the URL, read the whole body, and return the status (an error status too, not an exception)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
