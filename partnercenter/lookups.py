"""Reading one object named by a URL or a request body: one UUID parser and one scoped get-or-404.

Every object lookup of a page or an endpoint goes through `get_or_404` over a queryset already scoped to the
user's partner or tenant, so a malformed id, a missing one and another partner's are the same 404 (D-ROLE-4)."""
from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def as_uuid(value: Any) -> uuid.UUID | None:
    """`value` as a UUID, or None when it isn't one (any type, any text)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def get_or_404(queryset: QuerySet[M], value: Any, *, field: str = "pk") -> M:
    """The object of `queryset` whose UUID `field` is `value`, or Http404 (bad id, missing or out of scope)."""
    pk = as_uuid(value)
    if pk is None:
        raise Http404
    obj = queryset.filter(**{field: pk}).first()
    if obj is None:
        raise Http404
    return obj
