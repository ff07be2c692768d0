"""The getimg error envelope: ``{"error": {"message", "type", "param", "code", "doc_url"}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}

DOC_URL = "https://docs.getimg.ai/errors"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, param: str | None = None,
                 headers: Mapping[str, str] | None = None, type_: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.headers = dict(headers or {})
        self.type = type_ or _TYPES.get(status, "api_error")

    def body(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code,
                          "doc_url": f"{DOC_URL}#{self.code}"}}

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
        401: ("invalid_api_key", "Injected authentication failure."),
        402: ("quota_exceeded", "Injected quota exhaustion."),
        403: ("forbidden", "Injected permission failure."),
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
