"""Offline packs: built in the worker once per route version and language, within a budget,
with a manifest of checksums, licences honoured, HEAD, ETag and resumable range requests."""

import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from heritage_sites.models import Derivative, Licence, PublicationState, RoutePack, Scan
from tests.factories import (
    ArtefactFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    RouteFactory,
    RouteStopFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db


def _ready_scan(artefact=None, site=None, lod_bytes=b"glTF" + b"\0" * 2000, **scan):
    kwargs = {"artefact": artefact} if artefact is not None else {"artefact": None, "site": site}
    ready = ScanFactory(state=Scan.State.READY, **kwargs, **scan)
    DerivativeFactory(scan=ready, content=b"RIFF-poster-" + ready.sha256.encode())
    DerivativeFactory(
        scan=ready,
        kind=Derivative.Kind.LOD,
        content=lod_bytes,
        file=ContentFile(lod_bytes, name="lod-2.glb"),
        content_type="model/gltf-binary",
        face_count=2000,
    )
    DerivativeFactory(
        scan=ready,
        kind=Derivative.Kind.LOD,
        content=lod_bytes * 3,
        file=ContentFile(lod_bytes * 3, name="lod-1.glb"),
        content_type="model/gltf-binary",
        face_count=20000,
    )
    return ready


@pytest.fixture
def route(home):
    samarkand = HeritageSiteFactory(
        slug="samarkand",
        latitude=Decimal("39.6686"),
        longitude=Decimal("67.0"),
        name_ar="سمرقند",
    )
    bukhara = HeritageSiteFactory(
        slug="bukhara", latitude=Decimal("39.7747"), longitude=Decimal("64.4286")
    )
    route = RouteFactory(slug="caravan", institution=home, title_ar="مدن القوافل")
    RouteStopFactory(route=route, position=1, site=samarkand, visit_note_ar="ابدأ من ريجستان")
    RouteStopFactory(route=route, position=2, site=bukhara)
    open_bowl = ArtefactFactory(
        slug="open-bowl", site=samarkand, licence=Licence.CC_BY, attribution="Registan, CC BY"
    )
    route.open_scan = _ready_scan(open_bowl)
    locked = ArtefactFactory(slug="locked-lamp", site=bukhara, licence=Licence.IN_COPYRIGHT)
    route.locked_scan = _ready_scan(locked)
    draft = ArtefactFactory(slug="draft-vase", site=bukhara, state=PublicationState.DRAFT)
    route.draft_scan = _ready_scan(draft)
    route.site_scan = _ready_scan(site=bukhara)
    return route


def _built(client, url, django_capture_on_commit_callbacks):
    """Ask for the pack (202), let the worker build it, ask again (200)."""
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 202, first.content
    assert first["Retry-After"]
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_pack_holds_the_route_texts_and_only_the_allowed_assets(
    anon, route, eager_tasks, django_capture_on_commit_callbacks
):
    url = f"/api/v1/routes/{route.slug}/pack/?lang=ar&device=phone"
    response = _built(anon, url, django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    manifest = json.loads(archive.read("manifest.json"))
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(archive.namelist()) == {*listed, "manifest.json"}
    for path, item in listed.items():
        content = archive.read(path)
        assert item["size"] == len(content)
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
    document = json.loads(archive.read("route.json"))
    assert document["title"] == {
        "value": "مدن القوافل",
        "lang": "ar",
        "dir": "rtl",
        "fallback": False,
    }
    first, second = document["stops"]
    assert first["visit_note"]["value"] == "ابدأ من ريجستان"
    assert second["visit_note"]["fallback"] is True and second["visit_note"]["lang"] == "en"
    assert first["site"]["name"]["value"] == "سمرقند"
    assert json.loads(archive.read("route.geojson"))["type"] == "FeatureCollection"
    # Only the CC BY bowl's poster and its lightest level of detail go in.
    assets = [item for item in manifest["files"] if item["path"].startswith("assets/")]
    assert {item["role"] for item in assets} == {"poster", "model"}
    assert all(str(route.open_scan.public_id) in item["path"] for item in assets)
    model = next(item for item in assets if item["role"] == "model")
    assert model["size"] == route.open_scan.derivatives.filter(face_count=2000).get().byte_size
    assert model["licence"] == Licence.CC_BY and model["attribution"] == "Registan, CC BY"
    reasons = {item["scan"]: item["reason"] for item in manifest["left_out"] if "scan" in item}
    assert "licence" in reasons[str(route.locked_scan.public_id)]
    # A draft artefact is not even named: the manifest is public.
    assert str(route.draft_scan.public_id) not in json.dumps(manifest)
    assert "draft-vase" not in json.dumps(manifest)
    assert "sites" in reasons[str(route.site_scan.public_id)]


def test_the_size_is_known_before_download_and_ranges_resume(
    anon, route, eager_tasks, django_capture_on_commit_callbacks
):
    url = f"/api/v1/routes/{route.slug}/pack/?lang=en"
    whole = b"".join(_built(anon, url, django_capture_on_commit_callbacks).streaming_content)
    pack = RoutePack.objects.get(route=route, language="en", state=RoutePack.State.READY)
    assert pack.sha256 == hashlib.sha256(whole).hexdigest()

    head = anon.head(url)
    assert head.status_code == 200
    assert int(head["Content-Length"]) == len(whole) == pack.byte_size
    assert head["ETag"] == f'"{pack.sha256}"' and head["Accept-Ranges"] == "bytes"
    assert head.content == b""
    detail = anon.get(f"/api/v1/routes/{route.slug}/?lang=en").json()
    assert detail["pack"]["size"] == len(whole) and detail["pack"]["state"] == "ready"

    part = anon.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=head["ETag"])
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[100:]
    tail = anon.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == whole[-10:]
    stale = anon.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"another-version"')
    assert stale.status_code == 200
    assert anon.get(url, HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416
    assert anon.get(url, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304


def test_a_pack_is_built_once_per_version_and_again_when_the_route_changes(
    anon, route, eager_tasks, django_capture_on_commit_callbacks
):
    url = f"/api/v1/routes/{route.slug}/pack/?lang=en"
    _built(anon, url, django_capture_on_commit_callbacks)
    assert anon.get(url).status_code == 200
    assert RoutePack.objects.filter(route=route).count() == 1
    stop = route.stops.get(position=2)
    stop.visit_note_en = "The trading domes are closed on Mondays."
    stop.save()
    assert anon.get(url).status_code == 202
    assert RoutePack.objects.filter(route=route).count() == 2
    french = anon.get(f"/api/v1/routes/{route.slug}/pack/?lang=fr")
    assert french.status_code == 202
    assert RoutePack.objects.filter(route=route, language="fr").count() == 1


def test_what_does_not_fit_the_budget_is_left_out_and_said(
    anon, route, eager_tasks, django_capture_on_commit_callbacks
):
    big = ArtefactFactory(slug="big-jar", site=route.stops.get(position=1).site)
    _ready_scan(big, lod_bytes=b"glTF" + b"\1" * (1024 * 1024))
    url = f"/api/v1/routes/{route.slug}/pack/?budget_mb=1"
    archive = _zip(_built(anon, url, django_capture_on_commit_callbacks))
    manifest = json.loads(archive.read("manifest.json"))
    over = [item for item in manifest["left_out"] if "budget" in item.get("reason", "")]
    assert len(over) == 1 and over[0]["size"] > 1024 * 1024
    pack = RoutePack.objects.get(route=route, budget_bytes=1024 * 1024)
    assert pack.byte_size <= 1024 * 1024
    # The smaller assets still went in.
    assert any(item["role"] == "model" for item in manifest["files"] if "role" in item)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("device=fridge", "device"),
        ("budget_mb=0", "budget_mb"),
        ("budget_mb=9999", "budget_mb"),
        ("lang=xx", "lang"),
    ],
)
def test_bad_pack_parameters_are_a_400(anon, route, query, field):
    response = anon.get(f"/api/v1/routes/{route.slug}/pack/?{query}")
    assert response.status_code == 400
    assert field in str(response.json())


def test_a_draft_route_has_no_pack_even_for_its_curators(owner, route):
    route.state = PublicationState.DRAFT
    route.save()
    assert owner.get(f"/api/v1/routes/{route.slug}/").status_code == 200
    assert owner.get(f"/api/v1/routes/{route.slug}/pack/").status_code == 404
    assert not RoutePack.objects.exists()
