"""Derivative files as a browser app on another origin needs them: CORS headers, byte ranges
(``Accept-Ranges``, 206, ``If-Range``), HEAD, the right content types (``model/gltf-binary``,
``image/webp``) and long caching.

``file_response`` answers for an opened file (the embedded default's ``serve_media`` opens the
derivative it has checked). On S3, the bucket's CORS rules (management command ``s3_cors``)
and S3 itself do the same.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag

CONTENT_TYPES = {
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".webp": "image/webp",
    ".ktx2": "image/ktx2",
    ".bin": "application/octet-stream",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
IMMUTABLE = "public, max-age=31536000, immutable"
CORS_HEADERS = {
    # Public files: any origin may read them (no cookies are involved).
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Accept-Ranges, Content-Length, Content-Range, ETag",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Timing-Allow-Origin": "*",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Range, If-Range, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_type_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _byte_range(header: str | None, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive for one satisfiable range; None for no (or an ignored) range;
    False when unsatisfiable. Several ranges are answered with the whole file (allowed)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignored, the whole file is sent
    if start >= size:
        return False
    return start, end


def _if_range_holds(request: HttpRequest, etag: str, modified: float | None) -> bool:
    value = request.META.get("HTTP_IF_RANGE")
    if value is None:
        return True
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison only
    parsed = parse_http_date_safe(value)
    return modified is not None and parsed is not None and int(modified) <= parsed


def _read(file, start: int, length: int):
    file.seek(start)
    left = length
    try:
        while left > 0:
            data = file.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        file.close()


def file_response(
    request: HttpRequest,
    file,
    *,
    size: int,
    content_type: str,
    cache_control: str = IMMUTABLE,
    modified: float | None = None,
    etag: str | None = None,
) -> HttpResponse:
    """A response for ``file`` (opened in binary mode; closed by the response) honouring
    HEAD, conditional requests, one byte range and If-Range, with CORS headers."""
    etag = etag or quote_etag(f"{size:x}-{int(modified or 0):x}")
    headers = {
        **CORS_HEADERS,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if request.method == "OPTIONS":
        file.close()
        return _with(HttpResponse(status=204), {**headers, **PREFLIGHT_HEADERS})
    if request.method not in ("GET", "HEAD"):
        file.close()
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return _with(response, CORS_HEADERS)
    if _not_modified(request, etag, modified):
        file.close()
        return _with(HttpResponse(status=304), headers)
    wanted = _byte_range(request.META.get("HTTP_RANGE"), size)
    if wanted is not None and not _if_range_holds(request, etag, modified):
        wanted = None
    if wanted is False:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _with(response, headers)
    if wanted is None:
        start, length, status = 0, size, 200
    else:
        start, end = wanted
        length, status = end - start + 1, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(status=status, content_type=content_type)
    elif status == 200:
        response = FileResponse(file, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _read(file, start, length), status=status, content_type=content_type
        )
    response["Content-Length"] = str(length)
    return _with(response, headers)


def _not_modified(request: HttpRequest, etag: str, modified: float | None) -> bool:
    tags = request.META.get("HTTP_IF_NONE_MATCH")
    if tags is not None:
        offered = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return etag in offered or "*" in offered
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and modified is not None and int(modified) <= since


def _with(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response
