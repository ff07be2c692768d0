"""The getimg SDK and httpx, as `GetimgClient` uses them: loaded by its first request, not at start-up.

Importing the SDK (its pydantic types) and httpx costs about a third of a second in a process that has
imported PySide6 (its import hook reads every new module's source), and the window's first paint needs
neither: the client imports this module when it first talks to getimg.
"""

from __future__ import annotations

import httpx
from getimg import APIConnectionError, APIStatusError, APITimeoutError, AsyncGetimgAI, DefaultAsyncHttpxClient
from getimg._response import AsyncAPIResponse

__all__ = ["NEVER_SENT", "APIConnectionError", "APIStatusError", "APITimeoutError", "AsyncAPIResponse",
           "AsyncGetimgAI", "make_sdk"]

# Connection failures that happen before a single byte of the request can have been sent.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def make_sdk(api_key: str, base_url: str, *, timeout: float, max_connections: int) -> AsyncGetimgAI:
    """The SDK's client with its own retries off (`client.py` decides what may be sent again)."""
    # A small pool: httpcore checks every pooled connection on each request, and the engine never has
    # more than its polls in flight (8) plus a creation and a few reads at once.
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return AsyncGetimgAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0,
                         http_client=DefaultAsyncHttpxClient(limits=limits, timeout=timeout))
