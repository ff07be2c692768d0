"""`GetimgClient`: the getimg v2 API over the official SDK, with our own retry rules.

The SDK retries every method, POST included, with no idempotency key: a creation retried after a read timeout
can make (and bill) a second video. So the SDK's retries are off and this module decides:
- reads (models, status, balance, costs) are retried with backoff, honouring `Retry-After`;
- a creation is sent exactly once. What it raises says whether anything can have been created: a
  `surely_not_created` kind (the connection was never made, or getimg refused it: 429, 503, 4xx), or
  `ErrorKind.UNCERTAIN` (a timeout, a reset, a 5xx with no refusal in its body). Sending it again is the
  local queue's decision (`jobs/dispatch.py`), and only ever after a `surely_not_created` answer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from ..logs import register_secret
from . import responses
from .catalogue import parse_models
from .errors import ErrorKind, GetimgError
from .types import Balance, CostReport, Created, GenerationRequest, ModelInfo, RemoteStatus, wire_duration

if TYPE_CHECKING:
    import httpx

    from .frames import PreparedFrame
    from .sdk import APIConnectionError, APIStatusError, AsyncAPIResponse, AsyncGetimgAI

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_BASE_URL = "https://api.getimg.ai"
_QUIET_LOGGERS = ("httpx", "httpcore", "getimg")  # they log full URLs, and signed URLs are secrets


def _backoff(attempt: int, base: float = 0.5, cap: float = 8.0) -> float:
    return min(cap, base * 2**attempt) * (0.75 + random.random() / 2)


class GetimgClient:
    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        read_retries: int = 3,
        max_wait: float = 60.0,
        max_connections: int = 16,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        before_first_request: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`base_url`/`api_key` default to `GETIMG_AI_BASE_URL`/`GETIMG_API_KEY`, then to getimg itself.

        A read whose server asks to wait longer than `max_wait` seconds gets the error instead of a wait.
        `before_first_request` is awaited by the requests made before the SDK is loaded: the window holds them
        until it has painted, so the SDK's import (a third of a second) does not compete with its first paint.
        """
        key = api_key or os.environ.get("GETIMG_API_KEY") or ""
        if not key:
            raise GetimgError(ErrorKind.AUTH, "No getimg API key: add one in Settings (getimg.ai → API keys).")
        register_secret(key)
        for name in _QUIET_LOGGERS:
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.WARNING:
                logger.setLevel(logging.WARNING)
        self.base_url = (base_url or os.environ.get("GETIMG_AI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self._host = urlsplit(self.base_url).netloc or self.base_url
        self._read_retries = max(0, read_retries)
        self._max_wait = max_wait
        self._sleep = sleep
        self._key = key
        self._timeout = timeout
        self._max_connections = max_connections
        self._made: AsyncGetimgAI | None = None
        self._before_first = before_first_request

    async def _connected(self) -> None:
        """Each request's first step: the first ones wait for `before_first_request`, then load the SDK."""
        if self._made is None:
            if self._before_first is not None:
                await self._before_first()
            if self._made is None:  # another request may have made it meanwhile
                self._made = self._make_sdk()

    @property
    def _sdk(self) -> AsyncGetimgAI:
        if self._made is None:
            self._made = self._make_sdk()
        return self._made

    def _make_sdk(self) -> AsyncGetimgAI:
        """The SDK's client, made (and the SDK imported: `sdk.py` says why so late) by the first request."""
        from . import sdk

        return sdk.make_sdk(self._key, self.base_url, timeout=self._timeout, max_connections=self._max_connections)

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.close()

    def set_api_key(self, key: str) -> None:
        """Use another key from the next request on (the SDK reads it for every request)."""
        if not key:
            raise GetimgError(ErrorKind.AUTH, "No getimg API key: add one in Settings (getimg.ai → API keys).")
        register_secret(key)
        self._key = key
        if self._made is not None:
            self._made.api_key = key

    # ------------------------------------------------------------------ errors
    def _offline(self) -> GetimgError:
        return GetimgError(ErrorKind.OFFLINE, f"Cannot reach getimg ({self._host}): check the internet "
                           f"connection, then try again.")

    def _connection_error(self, exc: APIConnectionError) -> GetimgError:
        from .sdk import NEVER_SENT, APITimeoutError

        if isinstance(exc, APITimeoutError) and not isinstance(exc.__cause__, NEVER_SENT):
            return GetimgError(ErrorKind.TIMEOUT, f"getimg ({self._host}) did not answer in time: try again "
                               f"in a moment.")
        if isinstance(exc.__cause__, NEVER_SENT):
            return self._offline()
        return GetimgError(ErrorKind.OFFLINE, f"The connection to getimg ({self._host}) broke: check the "
                           f"internet connection, then try again.")

    @staticmethod
    def _status_error(exc: APIStatusError) -> GetimgError:
        response = exc.response
        return responses.error_from_response(response.status_code, response.text, response.headers)

    def _wait_for(self, err: GetimgError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None when waiting that long is not reasonable."""
        delay = err.retry_after if err.retry_after is not None else _backoff(attempt)
        return delay if delay <= self._max_wait else None

    # ------------------------------------------------------------------ reads
    async def _read(self, what: str, call: Callable[[], Awaitable[AsyncAPIResponse[Any]]]) -> tuple[Any, httpx.Headers]:
        """A GET with retries on connection trouble, timeouts, 408/409/429/5xx and unreadable answers."""
        await self._connected()
        from .sdk import APIConnectionError, APIStatusError

        for attempt in range(self._read_retries + 1):
            try:
                raw = await call()
                return responses.load_json(await raw.read(), raw.headers), raw.headers
            except APIStatusError as exc:
                err = self._status_error(exc)
                retryable = exc.status_code in (408, 409, 429) or exc.status_code >= 500
            except APIConnectionError as exc:
                err, retryable = self._connection_error(exc), True
            except GetimgError as exc:  # a 200 whose body is not JSON
                err, retryable = exc, True
            delay = self._wait_for(err, attempt)
            if not retryable or attempt >= self._read_retries or delay is None:
                raise err
            log.info("%s failed (%s); retry %d in %.1f s", what, err.kind.value, attempt + 1, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def list_models(self) -> list[ModelInfo]:
        """Video models with their capabilities and prices."""
        data, _ = await self._read("list models", lambda: self._sdk.models.with_raw_response.list(type="video"))
        return [m for m in parse_models(data) if m.type == "video"]

    async def get_generation(self, remote_id: str) -> RemoteStatus:
        data, headers = await self._read(
            "generation status", lambda: self._sdk.videos.generations.with_raw_response.retrieve(remote_id)
        )
        return responses.remote_status(data, remote_id, headers)

    async def balance(self) -> Balance:
        data, _ = await self._read("balance", lambda: self._sdk.billing.with_raw_response.retrieve_balance())
        return responses.balance(data)

    async def costs(self, start: datetime, end: datetime) -> CostReport:
        """Total billed between two aware datetimes, the cost of each UTC day, and their currency."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("costs() needs time-zone-aware datetimes")
        data, _ = await self._read(
            "costs",
            lambda: self._sdk.billing.with_raw_response.list_costs(start=start.isoformat(), end=end.isoformat()),
        )
        return responses.costs(data)

    # ------------------------------------------------------------------ creation
    @staticmethod
    def _body(request: GenerationRequest, frames: Sequence[PreparedFrame]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": request.model, "prompt": request.prompt}
        if request.aspect_ratio is not None:
            body["aspect_ratio"] = request.aspect_ratio
        if request.resolution is not None:
            body["resolution"] = request.resolution
        if request.duration is not None:
            body["duration"] = wire_duration(request.duration)
        if request.sound:
            body["sound"] = True
        if frames:
            body["images"] = [{"url": f.url, "role": f.role.value} for f in frames]
        return body

    def _uncertain(self, why: str) -> GetimgError:
        return GetimgError(
            ErrorKind.UNCERTAIN,
            f"The request may have reached getimg, but {why}. The video may still be made and billed: it was "
            f"not sent again. Check your getimg dashboard before submitting it again.",
        )

    async def create_generation(self, request: GenerationRequest, frames: Sequence[PreparedFrame]) -> Created:
        """POST once (see the module docstring for what the errors it raises mean)."""
        from .frames import check_body_size

        check_body_size(frames)  # an oversized body would be refused anyway: refuse it before it costs a POST
        body = self._body(request, frames)
        await self._connected()
        from .sdk import NEVER_SENT, APIConnectionError, APIStatusError, APITimeoutError

        try:
            raw = await self._sdk.videos.generations.with_raw_response.create(**body)
        except APIStatusError as exc:
            raise self._create_status_error(exc) from None
        except APIConnectionError as exc:
            if not isinstance(exc.__cause__, NEVER_SENT):
                what = "no answer came in time" if isinstance(exc, APITimeoutError) else "the connection broke"
                raise self._uncertain(f"{what} before it answered") from None
            raise self._offline() from None
        return await self._created(raw)

    def _create_status_error(self, exc: APIStatusError) -> GetimgError:
        err = self._status_error(exc)
        status = exc.status_code
        if status == 503:  # refused before acceptance: nothing was created
            return GetimgError(ErrorKind.UNAVAILABLE, err.message, code=err.code, status=status,
                               retry_after=err.retry_after)
        if status >= 500:
            if responses.envelope_code(exc.response.text) in responses.REFUSAL_CODES:
                return responses.error_from_response(400, exc.response.text, exc.response.headers)
            return self._uncertain(f"it answered with a server error (HTTP {status})")
        return err

    async def _created(self, raw: AsyncAPIResponse[Any]) -> Created:
        import httpx

        try:
            data = responses.load_json(await raw.read())
        except (GetimgError, httpx.HTTPError):
            data = None
        gid = data.get("id") if isinstance(data, dict) else None
        if not isinstance(gid, str) or not gid:
            raise self._uncertain("its answer carried no generation id")
        created = Created(id=gid, rate_limit=responses.rate_limit(raw.headers))
        log.info("created generation %s", gid)
        return created
