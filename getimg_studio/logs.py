"""Logging to a rotating file in the log folder, with secrets taken out of every record.

httpx logs every request's full URL at INFO, and a signed download URL is a secret, so its logger is
kept at WARNING; our own records pass through `redact()` in case one slips through anyway.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_PATTERNS = (
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]+"), r"\1[redacted]"),
    (re.compile(r"(?i)([?&](?:sig|signature|token|key|api_key)=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._\-]{6,}"), r"\1[redacted]"),
)
_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Make sure this exact string (the API key) never reaches a log, whatever format it is in.

    Short values are not secrets worth hiding (demo mode's key is "demo") and would blank out ordinary
    words all over the log, so only key-length strings are registered.
    """
    if value and len(value) >= 12:
        _known_secrets.add(value)


def redact(text: str) -> str:
    for secret in _known_secrets:
        text = text.replace(secret, "[redacted]")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(log_file: Path, *, verbose: bool = False, stderr: bool = False) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if stderr:
        console = logging.StreamHandler()
        console.setFormatter(formatter)
        console.setLevel(logging.WARNING)
        root.addHandler(console)
    for noisy in ("httpx", "httpcore", "getimg", "aiohttp.access", "PIL", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
