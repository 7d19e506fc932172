"""API plumbing shared by every app: the Partner Center error body, collections and paging.

Every 4xx/5xx from /v1/ is {"code", "description", "data", "source": "PartnerCenter"} (docs/API.md "Errors").
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import NOT_FOUND_DESCRIPTION, SERVER_ERROR_DESCRIPTION, Code, DomainError
from .idempotency import fingerprint, run_once

log = logging.getLogger(__name__)

SOURCE = "PartnerCenter"


# --- the OpenAPI description of these bodies (so the schema declares what the API really returns) ---

class MoneyField(serializers.CharField):
    """Money as a JSON string holding an exact decimal (docs/API.md "Conventions")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "An exact decimal in the currency's minor unit, as a string.")
        super().__init__(**kwargs)
        self.validators = []


class FieldErrorOut(serializers.Serializer):
    field = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())


class ErrorOut(serializers.Serializer):
    """The docs/API.md error body."""

    code = serializers.RegexField(r"^\d+$")
    description = serializers.CharField()
    data = FieldErrorOut(many=True)
    source = serializers.ChoiceField(choices=[SOURCE])


# Every operation may answer these: validation, no/bad token, role, not found or not yours, throttled.
COMMON_ERRORS = (400, 401, 403, 404, 429)


def api_responses(success: int, body, *errors: int) -> dict:
    """`extend_schema(responses=...)` for one operation: its success body and the error bodies."""
    responses = {success: body}
    for code in sorted(set(COMMON_ERRORS) | set(errors)):
        responses[code] = ErrorOut
    return responses


class CollectionLinkOut(serializers.Serializer):
    uri = serializers.CharField()


class CollectionLinksOut(serializers.Serializer):
    next = CollectionLinkOut(required=False)


def collection_of(item: type[serializers.Serializer], name: str):
    """The schema of a `{"totalCount", "items", "links"}` collection of `item`."""
    return inline_serializer(name=name, fields={
        "totalCount": serializers.IntegerField(min_value=0),
        "items": item(many=True),
        "links": CollectionLinksOut(),
    })


def error_body(code: str, description: str, data: list | None = None) -> dict:
    return {"code": str(code), "description": str(description), "data": data or [], "source": SOURCE}


def field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as flat field paths: `lineItems[0].quantity` (the names services use)."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # an item of a list (DRF keys a ListSerializer's errors by index)
                name = f"{prefix}[{key}]"
            elif key == "non_field_errors" and prefix:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in field_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(v, (dict, list)) for v in detail):
        for index, value in enumerate(detail):
            for field, messages in field_errors(value, f"{prefix}[{index}]").items():
                out.setdefault(field, []).extend(messages)
    elif detail:
        values = detail if isinstance(detail, list) else [detail]
        out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in values)
    return out


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a document nested too deep for the decoder is a 400 like any malformed one."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


TOO_LARGE_DESCRIPTION = "The request body is larger than this API accepts."


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        data = [{"field": exc.field, "messages": [exc.message]}] if exc.field else []
        return Response(error_body(exc.code, exc.message, data), status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(Code.PAYLOAD_TOO_LARGE, TOO_LARGE_DESCRIPTION), status=413)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("unhandled API error", exc_info=exc)
        return Response(error_body(Code.SERVER_ERROR, SERVER_ERROR_DESCRIPTION), status=500)
    if isinstance(exc, exceptions.ValidationError):
        data = [{"field": field, "messages": messages} for field, messages in field_errors(exc.detail).items()]
        body = error_body(Code.BAD_REQUEST, "The request failed validation.", data)
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        body = error_body(Code.UNAUTHORIZED, str(exc.detail))
    elif isinstance(exc, exceptions.NotFound):
        body = error_body(Code.NOT_FOUND, NOT_FOUND_DESCRIPTION)
    elif isinstance(exc, exceptions.Throttled):
        body = error_body(Code.TOO_MANY_REQUESTS, str(exc.detail))
    else:
        body = error_body(str(response.status_code), str(getattr(exc, "detail", exc)))
    response.data = body
    return response


REQUEST_ID_HEADER = "MS-RequestId"
REQUEST_ID_PARAMETER = OpenApiParameter(
    REQUEST_ID_HEADER, str, OpenApiParameter.HEADER, required=False,
    description="A retry with the same id within 24 hours returns the first answer and does nothing again.")


def once_per_request_id(request, *, scope: str, work: Callable[[], tuple[int, Any]]) -> Response:
    """Partner Center's MS-RequestId: with the header, `work` (returning status and body) runs once per id
    within 24 hours and a retry gets the first answer, status and body alike; the same id with another request
    is a 400. Without the header every call runs."""
    key = request.headers.get(REQUEST_ID_HEADER)
    if key is None:
        status_code, body = work()
        return Response(body, status=status_code)
    asks = fingerprint(request.method, request.path, request.data)
    answer = run_once(scope=scope, key=key, asks=asks, work=work)
    return Response(answer.body, status=answer.status)


def json_error_response(http_status: int, code: str, description: str) -> JsonResponse:
    return JsonResponse(error_body(code, description), status=http_status)


class CollectionPagination(BasePagination):
    """{"totalCount", "items", "links": {"next": {"uri"}}} with ?size= (default 100, max 500) and ?offset=."""

    default_size = 100
    max_size = 500

    def _int(self, request, name: str, default: int, maximum: int | None = None) -> int:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({name: ["Must be a whole number."]}) from None
        if value < 0 or (name == "size" and value == 0):
            raise exceptions.ValidationError({name: ["Out of range."]})
        return min(value, maximum) if maximum else value

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self._int(request, "size", self.default_size, self.max_size)
        self.offset = self._int(request, "offset", 0)
        self.total = queryset.count() if hasattr(queryset, "count") else len(queryset)
        self.offset = min(self.offset, self.total)  # past the end is an empty page, whatever the number
        return list(queryset[self.offset : self.offset + self.size])

    def get_paginated_response(self, data):
        body = {"totalCount": self.total, "items": data, "links": {}}
        if self.offset + self.size < self.total:
            uri = self.request.build_absolute_uri()
            uri = replace_query_param(uri, "offset", self.offset + self.size)
            body["links"]["next"] = {"uri": replace_query_param(uri, "size", self.size)}
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["totalCount", "items", "links"],
            "properties": {
                "totalCount": {"type": "integer"},
                "items": schema,
                "links": {"type": "object", "properties": {"next": {"type": "object",
                          "properties": {"uri": {"type": "string"}}}}},
            },
        }


def paginated(request, queryset, serialize) -> Response:
    """A paged collection response: `serialize` turns each object into its API dict."""
    paginator = CollectionPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response([serialize(obj) for obj in page])
