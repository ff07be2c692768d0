"""`ImageClient`: `GetimgClient` plus image generation, under the same money rule as videos.

An image is made synchronously: the POST's answer is the image. A request that timed out or whose connection
broke after it was sent may still have made, and billed, an image, so `generate_image` sends once, like a video
creation: a refusal that surely created nothing (never connected, 429, 503, a refusal code) is raised as such
and the engine's queue decides when to send again; anything else that leaves doubt raises
`ErrorKind.UNCERTAIN` and is never sent again silently. The refusal mapping is `GetimgClient`'s own
(`_create_status_error`, `_offline`); this class only words it for an image.

Reads of the image models go through `GetimgClient._read` (retried) and `catalogue.parse_models`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import responses
from .catalogue import parse_models
from .client import GetimgClient
from .errors import ErrorKind, GetimgError
from .image_responses import image_result
from .image_types import ImageRequest, ImageResult
from .types import ModelInfo

if TYPE_CHECKING:
    from .frames import PreparedFrame
    from .sdk import APIStatusError, AsyncAPIResponse

log = logging.getLogger(__name__)
IMAGE_TIMEOUT = 180.0  # seconds for one image request: a 4K image can take a while to make


class ImageClient(GetimgClient):
    def __init__(self, base_url: str | None = None, api_key: str | None = None, *,
                 image_timeout: float = IMAGE_TIMEOUT, **options: Any) -> None:
        """`options` are `GetimgClient`'s (timeout for reads, read_retries, sleep, max_connections)."""
        super().__init__(base_url, api_key, **options)
        self._image_timeout = image_timeout

    async def list_image_models(self) -> list[ModelInfo]:
        """Image models with their capabilities and prices (`GET /v2/models?type=image`)."""
        data, _ = await self._read("list image models",
                                   lambda: self._sdk.models.with_raw_response.list(type="image"))
        return [m for m in parse_models(data) if m.type == "image"]

    @staticmethod
    def image_body(request: ImageRequest, references: Sequence[PreparedFrame]) -> dict[str, Any]:
        """The JSON body: only what the creator chose (None fields are the model's defaults, not sent)."""
        body: dict[str, Any] = {"model": request.model, "prompt": request.prompt}
        if request.aspect_ratio is not None:
            body["aspect_ratio"] = request.aspect_ratio
        if request.resolution is not None:
            body["resolution"] = request.resolution
        if request.output_format is not None:
            body["output_format"] = request.output_format
        if references:
            body["images"] = [{"url": f.url} for f in references]
        return body

    def _image_uncertain(self, why: str) -> GetimgError:
        return GetimgError(
            ErrorKind.UNCERTAIN,
            f"The request may have reached getimg, but {why}. The image may have been made and billed: it was "
            f"not sent again. Check your getimg dashboard before asking for it again.",
        )

    def _image_status_error(self, exc: APIStatusError) -> GetimgError:
        """The refusal to raise: `GetimgClient`'s mapping, with a server error worded for an image."""
        err = self._create_status_error(exc)
        if err.kind is not ErrorKind.UNCERTAIN:
            return err
        parsed = responses.envelope(exc.response.text)  # None: a page from a proxy, never shown raw
        said = f" ({parsed[0]})" if parsed is not None and parsed[0] else ""
        return self._image_uncertain(f"it answered with a server error (HTTP {exc.status_code}){said}")

    async def generate_image(self, request: ImageRequest, references: Sequence[PreparedFrame]) -> ImageResult:
        """POST once and return the image's URL(s). As for videos, the engine's queue decides on any resend:
        a surely-not-created refusal (429, 503, never connected) is raised as such, doubt as UNCERTAIN."""
        from .frames import check_body_size

        check_body_size(references)  # refused anyway: refuse it before it costs a POST
        body = self.image_body(request, references)
        await self._connected()
        from .sdk import NEVER_SENT, APIConnectionError, APIStatusError, APITimeoutError

        try:
            raw = await self._sdk.images.with_raw_response.generate(**body, timeout=self._image_timeout)
        except APIStatusError as exc:
            raise self._image_status_error(exc) from None
        except APIConnectionError as exc:
            if not isinstance(exc.__cause__, NEVER_SENT):
                why = ("no answer came in time" if isinstance(exc, APITimeoutError)
                       else "the connection broke before it answered")
                raise self._image_uncertain(why) from None
            raise self._offline() from None
        return await self._result(raw, request)

    async def _result(self, raw: AsyncAPIResponse[Any], request: ImageRequest) -> ImageResult:
        import httpx

        try:
            data = responses.load_json(await raw.read())
        except (GetimgError, httpx.HTTPError):
            data = None
        result = image_result(data, raw.headers, request.mime_type)
        if result is None:
            raise self._image_uncertain("its answer carried no image this app can read")
        log.info("generated image %s", result.id)
        return result
