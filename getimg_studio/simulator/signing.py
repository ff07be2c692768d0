"""Signed download URLs: ``/v2/downloads/{id}/0?exp=<unix>&sig=<hex hmac-sha256(secret, "id:0:exp")>``."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: bytes, generation_id: str, exp: int, index: int = 0) -> str:
    msg = f"{generation_id}:{index}:{exp}".encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


def verify(secret: bytes, generation_id: str, exp: str | None, sig: str | None, index: int = 0) -> int | None:
    """The expiry (unix seconds) if ``sig`` is genuine for this id and exp, else None. Expiry is not checked."""
    if not exp or not sig or not exp.isdigit() or len(exp) > 12:
        return None
    expected = signature(secret, generation_id, int(exp), index)
    if not hmac.compare_digest(expected, sig.lower()):
        return None
    return int(exp)
