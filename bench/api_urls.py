"""The museum's URLs plus two floors for the API's first page of the artefact list, straight
from the ORM into a JsonResponse (no DRF, no serializer):
- /floor/artefacts/: the rows the API shows, one query per kind of row: the artefacts with
  their institution and site of origin, their materials, and their ready scans' posters (what
  an item's ``materials``, ``has_3d`` and ``posters`` come from);
- /floor/artefacts/columns/: the artefact rows alone (the floor before list items carried
  materials, posters and 3D flags), printed for comparison."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from heritage_sites.models import Artefact
from museum.urls import urlpatterns as museum_urlpatterns

FIELDS = (
    "public_id",
    "slug",
    "title_en",
    "accession_number",
    "object_type",
    "institution__slug",
    "institution__name_en",
    "site__public_id",
    "site__slug",
    "site__name_en",
    "date_earliest",
    "date_latest",
    "licence",
    "state",
    "updated_at",
)


def _rows():
    return list(Artefact.objects.published().order_by("title_en", "id").values("id", *FIELDS)[:50])


def floor_columns(request):
    return JsonResponse({"results": _rows()})


def floor_artefacts(request):
    rows = _rows()
    ids = [row["id"] for row in rows]
    marks = ", ".join(["%s"] * len(ids))
    materials = {pk: [] for pk in ids}
    posters = {}
    # The two side queries written out, as the cheapest way to read them (the ORM spends
    # longer compiling them than the database running them).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.artefact_id, m.slug FROM heritage_sites_artefact_materials t"
            " JOIN heritage_sites_material m ON m.id = t.material_id"
            f" WHERE t.artefact_id IN ({marks}) ORDER BY m.slug",
            ids,
        )
        for artefact_id, slug in cursor.fetchall():
            materials[artefact_id].append(slug)
        cursor.execute(
            "SELECT s.artefact_id, d.file, d.width FROM heritage_sites_scan s"
            " LEFT JOIN heritage_sites_derivative d ON d.scan_id = s.id AND d.kind = 'poster'"
            f" WHERE s.artefact_id IN ({marks}) AND s.state = 'ready'",
            ids,
        )
        for artefact_id, name, width in cursor.fetchall():
            found = posters.setdefault(artefact_id, [])
            if name is not None:
                found.append({"file": name, "width": width})
    for row in rows:
        pk = row.pop("id")
        row.update(materials=materials[pk], has_3d=pk in posters, posters=posters.get(pk, []))
    return JsonResponse({"results": rows})


urlpatterns = [
    path("floor/artefacts/", floor_artefacts),
    path("floor/artefacts/columns/", floor_columns),
    *museum_urlpatterns,
]
