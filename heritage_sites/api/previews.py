"""What a result grid shows without one request per item: poster images (every size) of the
newest ready scan of each record on a page, fetched in one query for the whole page."""

from __future__ import annotations

from rest_framework import serializers

from heritage_sites.models import Derivative, Scan


class PosterSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    content_type = serializers.CharField()


def posters(request, subject: str, ids: list[int]) -> dict[int, list[dict]]:
    """``{record id: [poster, ...]}`` for the records ``ids`` (``subject`` is ``artefact`` or
    ``site``), largest first. Only ready scans are read: the records themselves were already
    filtered by what the caller may see."""
    if not ids:
        return {}
    key = f"scan__{subject}_id"
    rows = (
        Derivative.objects.filter(
            **{f"{key}__in": ids}, scan__state=Scan.State.READY, kind=Derivative.Kind.POSTER
        )
        .order_by(key, "-scan__created_at", "-scan_id", "-width")
        .values_list(key, "scan_id", "file", "width", "height", "content_type")
    )
    storage = Derivative._meta.get_field("file").storage
    found: dict[int, list[dict]] = {}
    newest: dict[int, int] = {}
    for record_id, scan_id, name, width, height, content_type in rows:
        if newest.setdefault(record_id, scan_id) != scan_id:
            continue  # an older scan's posters
        found.setdefault(record_id, []).append(
            {
                "url": request.build_absolute_uri(storage.url(name)),
                "width": width,
                "height": height,
                "content_type": content_type,
            }
        )
    return found
