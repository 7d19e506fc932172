"""Each path is served by one URL pattern, so no route depends on the order of the includes in config.urls (the
order API's PATCH was once added by including cancellations' route before software's). Within one URL module a
literal route may come before a parameter that would also match it (`customers/new/` before
`customers/<tenant_id>/`): that order is in one file, in front of its reader."""
from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {"str": "sample", "uuid": str(uuid.UUID(int=7)), "int": "7", "slug": "sample", "path": "a/b"}


def flattened(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str, str]]:
    """(full route, view name, URL module) of every pattern declared with path(), in resolving order (the Django
    admin's regexes are left out)."""
    out: list[tuple[str, str, str]] = []
    module = getattr(resolver.urlconf_module, "__name__", str(resolver.urlconf_name))
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            assert isinstance(entry.pattern, RegexPattern)
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLPattern):
            out.append((route, entry.lookup_str, module))
        else:
            out.extend(flattened(entry, route))
    return out


def sample_path(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def test_no_two_url_patterns_serve_the_same_path():
    # given every route of the site
    routes = flattened(get_resolver())
    assert len(routes) > 40
    for entry in routes:
        path = sample_path(entry[0])
        # when each route's sample path is matched against every route
        matching = [other for other in routes if RoutePattern(other[0], is_endpoint=True).match(path.lstrip("/"))]
        # then the route itself serves it, and any other route that matches is a later one of the same module
        assert matching[0] == entry, (path, matching)
        assert all(other[2] == entry[2] for other in matching), (path, matching)


def test_one_order_of_the_api_is_served_by_the_view_that_reads_and_cancels_it():
    from cancellations.apis import OrderCancelApi

    match = resolve(f"/v1/customers/{uuid.uuid4()}/orders/{uuid.uuid4()}")
    assert match.func.view_class is OrderCancelApi
    assert {"get", "patch"} <= set(OrderCancelApi.http_method_names) & set(dir(OrderCancelApi))
