"""A route's offline pack: 202 while the worker builds it, then the zip with its size known in
advance (HEAD), an ETag (its sha256) and byte ranges, so a phone on a bad line can resume."""

from __future__ import annotations

import re

from django import forms
from django.http import FileResponse, HttpResponse
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from heritage_sites.api import languages
from heritage_sites.models import PublicationState, RoutePack
from heritage_sites.services import packs

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_BUDGET_MB = 500


class PackQuery(forms.Form):
    device = forms.ChoiceField(choices=[(d, d) for d in packs.DEVICES], required=False)
    budget_mb = forms.IntegerField(min_value=1, max_value=MAX_BUDGET_MB, required=False)


def _byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) of a single ``Range: bytes=`` request; None to send it all; False when
    the range cannot be satisfied."""
    match = RANGE.match(header.strip())
    if not match:
        return None  # several ranges, or another unit: the whole file (RFC 9110 allows it)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size or last < first:
        return False
    return first, last


class PackActionsMixin:
    """``GET|HEAD /routes/{ref}/pack/?lang=&device=phone``, mixed into the route ViewSet."""

    def _conditional(self, request, response):
        # The pack carries its own ETag (its sha256) and may be streamed: not the JSON one.
        if getattr(self, "action", None) == "pack":
            return response
        return super()._conditional(request, response)

    def pack_query(self, request) -> tuple[str, int]:
        query = PackQuery(request.query_params)
        if not query.is_valid():
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in query.errors.items()}
            )
        device = query.cleaned_data["device"] or "phone"
        budget = query.cleaned_data["budget_mb"]
        return device, (budget * 1024 * 1024 if budget else packs.DEFAULT_BUDGET_BYTES)

    def ready_pack_summary(self, route) -> dict | None:
        """For the route's detail: the size of the asked language's phone pack, if built."""
        if route.state != PublicationState.PUBLISHED:
            return None
        pack = (
            RoutePack.objects.filter(route=route, language=self.language, device="phone")
            .filter(state=RoutePack.State.READY, budget_bytes=packs.DEFAULT_BUDGET_BYTES)
            .order_by("-finished_at")
            .first()
        )
        fingerprint = packs.pack_plan(route, language=self.language, device="phone").fingerprint(
            packs.DEFAULT_BUDGET_BYTES
        )
        current = pack is not None and pack.fingerprint == fingerprint
        return {
            "language": languages.bcp47(self.language),
            "device": "phone",
            "state": "ready" if current else "not_built",
            "size": pack.byte_size if current else None,
            "sha256": pack.sha256 if current else None,
        }

    @extend_schema(
        summary="The route's offline pack (zip)",
        description="Built by the worker once per route version, language and device: the "
        "first request answers 202 with `Retry-After`; once built, the zip with `ETag`, "
        "`Content-Length` (HEAD gives the size without the body) and `Range` support. Only "
        "published routes have packs.",
        parameters=[
            OpenApiParameter(
                "device",
                str,
                enum=list(packs.DEVICES),
                description="phone: the lightest level of detail of each model (default).",
            ),
            OpenApiParameter(
                "budget_mb",
                int,
                description="Largest pack size in MB "
                "(default 50); what does not fit is listed in the manifest.",
            ),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (206, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being built."),
            304: OpenApiResponse(description="Not modified."),
            416: OpenApiResponse(description="Range not satisfiable."),
        },
        tags=["routes"],
    )
    @action(detail=True, methods=["get", "head"], url_path="pack")
    def pack(self, request, ref=None):
        device, budget = self.pack_query(request)
        route = self.get_object()
        if route.state != PublicationState.PUBLISHED:
            # Drafts never leave the museum, not even to their own curators' phones.
            raise NotFound("This route is not published, so it has no offline pack.")
        pack = packs.route_pack_request(
            route=route, language=self.language, device=device, budget_bytes=budget
        )
        if pack.state != RoutePack.State.READY:
            body = {
                "state": pack.state,
                "detail": "The pack is being built. Ask again in a few seconds.",
                "language": languages.bcp47(self.language),
                "device": device,
            }
            if pack.state == RoutePack.State.FAILED:
                body["detail"] = f"The pack could not be built: {pack.failure_reason}"
            response = Response(body, status=202)
            response["Retry-After"] = "5"
            response["Cache-Control"] = "no-store"
            return response
        return self.pack_file(request, pack)

    def pack_file(self, request, pack: RoutePack) -> HttpResponse:
        etag = quote_etag(pack.sha256)
        size = pack.byte_size
        headers = {
            "ETag": etag,
            "Accept-Ranges": "bytes",
            "Cache-Control": "public, max-age=3600",
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{pack.route.slug}-{pack.language}.zip"',
        }
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponse(status=304)
            response["ETag"] = etag
            return response
        wanted = request.headers.get("Range", "")
        if_range = request.headers.get("If-Range")
        if wanted and if_range and if_range.strip() != etag:
            wanted = ""  # the client's copy is of another version: send the whole new one
        span = _byte_range(wanted, size) if wanted else None
        if span is False:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        if request.method == "HEAD":
            response = HttpResponse(status=200)
            for name, value in headers.items():
                response[name] = value
            response["Content-Length"] = str(size)
            return response
        handle = pack.file.open("rb")
        if span is None:
            response = FileResponse(handle, status=200)
            length = size
        else:
            first, last = span
            handle.seek(first)
            length = last - first + 1
            response = FileResponse(_limited(handle, length), status=206)
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
        for name, value in headers.items():
            response[name] = value
        response["Content-Length"] = str(length)
        return response


def _limited(handle, length: int, chunk: int = 1 << 16):
    try:
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()
