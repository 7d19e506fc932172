"""The errors every layer may raise, with their API codes named once (docs/API.md "Errors").

Services raise `DomainError` for a rule the caller broke; pages show its message, and the API answers
{"code", "description", "data", "source"} with its code and HTTP status (partnercenter.api.exception_handler)."""
from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every `code` the portal answers with. Partner Center's own codes where it has one, else the HTTP status."""

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    METHOD_NOT_ALLOWED = "405"
    PAYLOAD_TOO_LARGE = "413"
    TOO_MANY_REQUESTS = "429"
    SERVER_ERROR = "500"
    NOT_FOUND = "20000"
    OFFER_UNAVAILABLE_IN_MARKET = "700001"
    NO_LONGER_AVAILABLE = "700002"            # revoked key or link, expired or used-up link (HTTP 410)
    NO_GLOBAL_ADMIN_TO_SEND_TO = "700003"
    CANCELLATION_IN_PROGRESS = "800060"       # HTTP 409
    NOT_CANCELLABLE = "800061"
    CANCELLATION_WINDOW_PASSED = "900117"


# The descriptions of the errors that carry no message of their own.
NOT_FOUND_DESCRIPTION = "The requested resource was not found."
SERVER_ERROR_DESCRIPTION = "An unexpected error occurred."


class DomainError(Exception):
    """A rule that the caller broke, with its API code and HTTP status; `field` names the input at fault."""

    http_status = 400
    code: str = Code.BAD_REQUEST

    def __init__(self, message: str, *, code: str | None = None, http_status: int | None = None, field: str = ""):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if http_status:
            self.http_status = http_status
        self.field = field
