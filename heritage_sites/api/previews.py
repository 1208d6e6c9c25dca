"""What a result grid shows without one request per item: whether each record on a page has
a ready 3D scan, and the poster images (every size) of its newest ready scan that has them,
fetched in one query for the whole page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from rest_framework import serializers

from heritage_sites.models import Derivative, Scan


class PosterSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    content_type = serializers.CharField()


@dataclass
class Previews:
    posters: dict[int, list[dict]] = field(default_factory=dict)
    with_3d: set[int] = field(default_factory=set)


def _ready_scans_sql(subject: str, count: int) -> str:
    # Written out rather than built by the ORM: compiling it (and the two queries it
    # replaced) took longer than running it on a 50-row page. Every ready scan of the
    # records, joined with its posters; a scan with none still says the record has 3D.
    scan, derivative = Scan._meta.db_table, Derivative._meta.db_table
    key = f"{subject}_id"
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT s.{key}, s.id, d.file, d.width, d.height, d.content_type"
        f" FROM {scan} s LEFT JOIN {derivative} d ON d.scan_id = s.id AND d.kind = %s"
        f" WHERE s.{key} IN ({marks}) AND s.state = %s"
        f" ORDER BY s.{key}, s.created_at DESC, s.id DESC, d.width DESC"
    )


def previews(request, subject: str, ids: list[int]) -> Previews:
    """The 3D flags and posters of the records ``ids`` (``subject`` is ``artefact`` or
    ``site``), posters largest first. Only ready scans are read: the records themselves were
    already filtered by what the caller may see."""
    found = Previews()
    if not ids:
        return found
    storage = Derivative._meta.get_field("file").storage
    newest: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _ready_scans_sql(subject, len(ids)),
            [Derivative.Kind.POSTER.value, *ids, Scan.State.READY.value],
        )
        for record_id, scan_id, name, width, height, content_type in cursor.fetchall():
            found.with_3d.add(record_id)
            if name is None or newest.setdefault(record_id, scan_id) != scan_id:
                continue  # a scan without posters, or an older scan's posters
            found.posters.setdefault(record_id, []).append(
                {
                    "url": request.build_absolute_uri(storage.url(name)),
                    "width": width,
                    "height": height,
                    "content_type": content_type,
                }
            )
    return found


def posters(request, subject: str, ids: list[int]) -> dict[int, list[dict]]:
    """``{record id: [poster, ...]}``: the posters part of previews()."""
    return previews(request, subject, ids).posters
