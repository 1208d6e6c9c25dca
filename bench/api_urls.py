"""The museum's URLs plus /floor/artefacts/: the same rows as the API's first page of the
artefact list, straight from the ORM into a JsonResponse (no DRF, no serializer)."""

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
    "date_earliest",
    "date_latest",
    "licence",
    "state",
    "updated_at",
)


def floor_artefacts(request):
    rows = list(Artefact.objects.published().order_by("title_en", "id").values(*FIELDS)[:50])
    return JsonResponse({"results": rows})


urlpatterns = [path("floor/artefacts/", floor_artefacts), *museum_urlpatterns]
