"""One error shape for the whole API: RFC 9457 problem details.

``{"type", "title", "status", "detail", "errors"?}``: ``detail`` is a sentence a person can
act on; ``errors`` maps each bad field or query parameter to its messages.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "too_large"


class Gone(exceptions.APIException):
    """410: the record was withdrawn. ``extra`` (its tombstone) joins the problem details."""

    status_code = status.HTTP_410_GONE
    default_detail = "This record was withdrawn."
    default_code = "withdrawn"

    def __init__(self, detail: str, extra: dict):
        super().__init__(detail)
        self.extra = extra


def problem(status_code: int, detail: str, *, errors=None, code: str | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error details as ``{"field": ["message", ...]}`` (dotted paths)."""
    flat: dict[str, list[str]] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list) and node and not all(isinstance(n, str) for n in node):
            for index, value in enumerate(node):
                walk(value, f"{path}.{index}" if path else str(index))
        else:
            messages = node if isinstance(node, list) else [node]
            flat.setdefault(path or "non_field_errors", []).extend(str(m) for m in messages)

    walk(detail, "")
    return flat


def _summary(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()))
    head = messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
    more = sum(len(m) for m in errors.values()) - 1
    return head if not more else f"{head} (and {more} more problem(s), see errors)"


def problem_exception_handler(exc, context):
    """DRF exception handler answering every error with problem details."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Nothing here with this identifier, or you may not see it.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
        exc = exceptions.ParseError(
            "The request has too many parameters or form parts. Send one file and its fields "
            "per request, and at most 1,000 query parameters."
        )
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request was malformed and could not be read.")
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "location", None):
        headers["Location"] = exc.location
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = problem(exc.status_code, _summary(errors), errors=errors, code="invalid")
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else None
        body = problem(exc.status_code, str(detail), code=code)
    body.update(getattr(exc, "extra", None) or {})
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


NOT_FOUND_NAME = "api-not-found"


def _with_slash(request) -> str | None:
    """The endpoint's URL when the path only lacks its trailing slash."""
    if request.path.endswith("/"):
        return None
    try:
        match = resolve(request.path_info + "/")
    except Resolver404:
        return None
    if match.url_name == NOT_FOUND_NAME:
        return None
    url = request.build_absolute_uri(request.path + "/")
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


# CSRF does not apply: this view changes nothing, and a POST without the trailing slash must
# get this answer, not Django's HTML CSRF page.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """404 for any /api/ path that matches no endpoint, in the same shape. A path that only
    lacks its trailing slash says where to send the request (for every method: a redirect
    would lose a POST's body)."""
    target = _with_slash(request)
    if target is not None:
        body = problem(
            404,
            f"API paths end with a slash: send this {request.method} to {target}",
            code="missing_trailing_slash",
        )
        body["location"] = target
    else:
        body = problem(
            404,
            f"There is no API endpoint at {request.path}. GET /api/v1/ lists the endpoints.",
            code="not_found",
        )
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)


def _problem_response(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        problem(status_code, detail, code=code),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def bad_request(request, exception=None):
    """Django's 400 (a request refused before any view ran: too many query parameters, a
    malformed body): problem details under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        if isinstance(exception, TooManyFieldsSent):
            detail = "The request has too many parameters. Send at most 1,000."
        else:
            detail = "The request was malformed and could not be read."
        return _problem_response(400, detail, "bad_request")
    return defaults.bad_request(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _problem_response(
            500, "Something went wrong on our side. It was logged; try again later.", "error"
        )
    return defaults.server_error(request)
