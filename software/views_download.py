"""GET/HEAD download/<token>/: the link is the credential (D-SW-7), so no sign-in.

A transfer counts when it starts at byte 0 (D-SW-8): a GET without Range or with a range from 0.
A HEAD or a resumed range only needs a live link. Files stream from disk in 64 KiB chunks, or are
handed to nginx with X-Accel-Redirect when DOWNLOAD_SERVER == "x-accel" (nginx then serves Range)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from accounts.permissions import PUBLIC, requires
from partnercenter.api import json_error_response
from partnercenter.errors import NOT_FOUND_DESCRIPTION, Code
from partnercenter.http import client_ip

from .downloads import NoLongerAvailable, UnknownLink, link_for_token
from .services import download_start

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    pass


BEYOND_ANY_FILE = 10**18  # a byte position with more digits than this is past the end of every file


def _position(digits: str) -> int:
    """A byte position of a Range header; thousands of digits (int() refuses over 4300) mean "past the end"."""
    return int(digits) if len(digits) < len(str(BEYOND_ANY_FILE)) else BEYOND_ANY_FILE


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One `bytes=a-b`, `a-` or `-n` range → (first, last) inclusive, clipped to the file.
    None = serve the whole file (no header, malformed, or several ranges: RFC 9110 lets us ignore it).
    Raises Unsatisfiable (416)."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix: the last n bytes
        n = _position(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return max(size - n, 0), size - 1
    start = _position(first)
    end = _position(last) if last else size - 1
    if last and end < start:
        return None  # syntactically invalid: ignore
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def _wants_html(request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _gone(request, reason: str):
    if _wants_html(request):
        response = render(request, "410.html", {"reason": reason}, status=410)
    else:
        response = json_error_response(410, Code.NO_LONGER_AVAILABLE, reason)
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request):
    if _wants_html(request):
        response = render(request, "404.html", status=404)
    else:
        response = json_error_response(404, Code.NOT_FOUND, NOT_FOUND_DESCRIPTION)
    response["Cache-Control"] = "no-store"
    return response


def _file_path(relative: str) -> Path:
    root = Path(settings.SOFTWARE_FILES_DIR).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise Http404
    return path


def _iter_file(path: Path, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _common_headers(response, file) -> None:
    response["Content-Disposition"] = content_disposition_header(True, file.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{file.sha256}"'
    response["Cache-Control"] = "private, no-store"


@requires(PUBLIC)
@require_http_methods(["GET", "HEAD"])
def download(request, token: str):
    accel = getattr(settings, "DOWNLOAD_SERVER", "django") == "x-accel"
    header = request.headers.get("Range", "")
    byte_range, unsatisfiable = None, False
    if request.method == "GET" and not header and accel:
        # The common case, a whole-file GET handed to nginx: it counts (D-SW-8) and needs nothing from the
        # link beforehand, so download_start counts it without reading the link first.
        link, counted, path = None, True, None
    else:
        # A Range (does it start at byte 0 of this file?), a HEAD, or bits served from disk (are they
        # there?): read the link and its file first.
        try:
            link = link_for_token(token)
        except UnknownLink:
            return _not_found(request)
        try:
            byte_range = parse_range(header, link.file.size)
        except Unsatisfiable:
            unsatisfiable = True
        starts_at_zero = unsatisfiable is False and (byte_range is None or byte_range[0] == 0)
        counted = request.method == "GET" and starts_at_zero
        path = None if accel else _file_path(link.file.path)
        if path is not None and not path.is_file():
            raise Http404  # the bits are missing on this server: don't take a download for nothing
    try:
        file = download_start(token=token, counted=counted, ip=client_ip(request), link=link).file
    except UnknownLink:
        return _not_found(request)
    except NoLongerAvailable as exc:
        return _gone(request, exc.message)

    if accel:
        response = HttpResponse(b"", content_type="application/octet-stream")
        response["X-Accel-Redirect"] = quote(settings.DOWNLOAD_ACCEL_PREFIX + file.path)
        _common_headers(response, file)
        return response

    if unsatisfiable:
        response = HttpResponse(b"", status=416, content_type="application/octet-stream")
        response["Content-Range"] = f"bytes */{file.size}"
        _common_headers(response, file)
        return response

    first, last = byte_range if byte_range else (0, file.size - 1)
    length = max(last - first + 1, 0)
    status = 206 if byte_range else 200
    if request.method == "HEAD":
        response = HttpResponse(b"", status=status, content_type="application/octet-stream")
    else:
        response = StreamingHttpResponse(_iter_file(path, first, length), status=status,
                                         content_type="application/octet-stream")
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{file.size}"
    _common_headers(response, file)
    return response




def download_uri(request, token: str) -> str:
    """The absolute link handed to the customer: PUBLIC_BASE_URL when set, else the request's host."""
    path = reverse("software:download", kwargs={"token": token})
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


__all__ = ["download", "download_uri", "parse_range"]
