"""The getimg error envelope: ``{"error": {"message", "type", "param", "code", "doc_url"}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

# The vendor's guides: every error's `type` is `invalid_request_error`, and `doc_url` points at the guide that
# explains it (authentication for a refused key, rate limits for 429s, the error guide otherwise).
ERROR_TYPE = "invalid_request_error"
_GUIDES = "https://docs.getimg.ai/guides"
_DOC_URLS = {"invalid_api_key": f"{_GUIDES}/authentication", "rate_limit": f"{_GUIDES}/rate-limits",
             "quota_exceeded": f"{_GUIDES}/billing"}


def doc_url(code: str) -> str:
    return _DOC_URLS.get(code, f"{_GUIDES}/errors#{code}")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, param: str | None = None,
                 headers: Mapping[str, str] | None = None, type_: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.headers = dict(headers or {})
        self.type = type_ or ERROR_TYPE

    def body(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code,
                          "doc_url": doc_url(self.code)}}

    def response(self) -> web.Response:
        return web.Response(status=self.status, text=json.dumps(self.body()), content_type="application/json",
                            headers=self.headers)


def invalid(param: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, param)


def missing(param: str) -> ApiError:
    return ApiError(400, "parameter_missing", f"Missing required parameter: {param}.", param)


def generic_for_status(status: int) -> tuple[str, str]:
    """(code, message) for an injected fault's status."""
    known = {
        400: ("invalid_request", "Injected bad request."),
        401: ("invalid_api_key", "Incorrect API key provided. You can find your API keys in your getimg.ai dashboard."),
        402: ("quota_exceeded", "Injected quota exhaustion."),
        403: ("permission_denied", "This API key is not allowed to do that."),
        404: ("not_found", "Injected not found."),
        408: ("timeout", "Injected request timeout."),
        409: ("conflict", "Injected conflict."),
        422: ("content_policy_violation", "Injected content policy violation."),
        429: ("rate_limit", "Injected rate limit."),
        500: ("internal_error", "Injected internal server error."),
        502: ("bad_gateway", "Injected bad gateway."),
        503: ("service_unavailable", "Injected service unavailability."),
        504: ("gateway_timeout", "Injected gateway timeout."),
    }
    return known.get(status, ("injected_error", f"Injected HTTP {status}."))
