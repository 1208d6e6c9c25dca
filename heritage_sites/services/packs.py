"""Offline packs: a zip per route, language and device that a phone guide uses with no network.

``route_pack_request`` (in the request) finds the pack of the route's current version or
queues its build; ``route_pack_build`` (in the worker, by id) writes the zip. A version is a
digest of everything that goes in, so a changed text, stop or model gives a new pack and an
unchanged route is never built twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from celery import current_app
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from heritage_sites.api import languages
from heritage_sites.models import (
    Artefact,
    Derivative,
    Licence,
    PublicationState,
    Route,
    RoutePack,
    RouteStop,
    Scan,
)
from heritage_sites.services import routes as route_service

logger = logging.getLogger(__name__)

BUILD_PACK_TASK = "heritage_sites.tasks.build_route_pack"
DEFAULT_BUDGET_BYTES = 50 * 1024 * 1024
DEVICES = ("phone", "tablet", "desktop")
# Local header + central directory entry per file, with room for a long name.
ZIP_ENTRY_OVERHEAD = 200
# Licences under which the museum may hand a copy to a visitor for personal, offline use.
# "In Copyright" may be shown on the site but not given away.
REDISTRIBUTABLE = {Licence.CC0, Licence.CC_BY, Licence.CC_BY_SA, Licence.CC_BY_NC}


def asset_may_go_in_pack(*, scan: Scan, artefact: Artefact | None) -> tuple[bool, str]:
    """Whether a scan's derivatives may be copied into an offline pack, and if not, why.

    Today a licence is the artefact's; a scan of a site has none recorded. A per-scan
    ``download_policy`` (the rights workflow) of "none" keeps it out as well.
    """
    if scan.state != Scan.State.READY:
        return False, "the scan is not processed yet"
    policy = getattr(scan, "download_policy", None)
    if policy == "none":
        return False, "the scan's download policy allows no downloads"
    if artefact is None:
        return False, "no licence is recorded for scans of sites"
    if artefact.state != PublicationState.PUBLISHED:
        return False, "the artefact is not published"
    if artefact.licence not in REDISTRIBUTABLE:
        return False, f"the licence ({artefact.get_licence_display()}) does not allow copies"
    return True, ""


@dataclass
class Asset:
    """One derivative that may go in, with what the manifest says about its rights."""

    name: str
    derivative: Derivative
    role: str
    stop: int
    licence: str
    rights_holder: str
    attribution: str


@dataclass
class PackPlan:
    documents: dict[str, bytes]
    assets: list[Asset]
    left_out: list[dict] = field(default_factory=list)

    def fingerprint(self, budget_bytes: int) -> str:
        digest = hashlib.sha256(str(budget_bytes).encode())
        for name, content in sorted(self.documents.items()):
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        for asset in self.assets:
            # Derivative files have immutable names: a new generation has new keys.
            digest.update(f"{asset.name}\0{asset.derivative.file.name}\0{asset.licence}".encode())
        for item in self.left_out:
            digest.update(json.dumps(item, sort_keys=True).encode())
        return digest.hexdigest()


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()


def _text(obj, name: str, language: str) -> dict:
    text = languages.localized(obj, name, language)
    return {**text, "fallback": bool(text["value"]) and text["lang"] != languages.bcp47(language)}


def _stop_document(stop: RouteStop, language: str) -> dict:
    site = stop.site
    zone = (
        {"type": "polygon", "coordinates": stop.zone_polygon}
        if stop.zone_polygon
        else {"type": "circle", "radius_m": stop.zone_radius_m}
    )
    return {
        "position": stop.position,
        "site": {
            "id": str(site.public_id),
            "slug": site.slug,
            "name": _text(site, "name", language),
        },
        "latitude": stop.lat,
        "longitude": stop.lon,
        "visit_note": _text(stop, "visit_note", language),
        "description": _text(site, "description", language),
        "text_source": site.text_source,
        "suggested_minutes": stop.suggested_minutes,
        "zone": zone,
    }


def _published_stops(route: Route) -> list[RouteStop]:
    # A pack is public: only stops at published sites go in, whoever asks.
    return [
        s for s in route_service.route_stops(route) if s.site.state == PublicationState.PUBLISHED
    ]


def _pick_derivatives(scan: Scan, device: str) -> list[tuple[str, Derivative]]:
    derivatives = list(scan.derivatives.all())
    posters = sorted(
        (d for d in derivatives if d.kind == Derivative.Kind.POSTER), key=lambda d: d.width or 0
    )
    lods = sorted(
        (d for d in derivatives if d.kind == Derivative.Kind.LOD), key=lambda d: d.face_count or 0
    )
    web = [d for d in derivatives if d.kind == Derivative.Kind.WEB]
    picked = []
    if posters:
        picked.append(("poster", posters[0] if device == "phone" else posters[-1]))
    model = (lods[:1] or web[:1]) if device == "phone" else (web[:1] or lods[-1:])
    picked.extend(("model", derivative) for derivative in model)
    return picked


def pack_plan(route: Route, *, language: str, device: str) -> PackPlan:
    """What the pack of this route would hold, before a byte is read."""
    stops = _published_stops(route)
    legs = [
        {
            "from": start.position,
            "to": end.position,
            "distance_m": round(step.distance_m, 1),
            "bearing_deg": round(step.bearing_deg, 2),
        }
        for start, end, step in route_service.route_legs(stops)
    ]
    document = {
        "id": str(route.public_id),
        "slug": route.slug,
        "language": languages.bcp47(language),
        "dir": languages.direction(language),
        "title": _text(route, "title", language),
        "description": _text(route, "description", language),
        "themes": [theme.slug for theme in route.themes.all()],
        "length_m": round(sum(leg["distance_m"] for leg in legs), 1),
        "stops": [_stop_document(stop, language) for stop in stops],
        "legs": legs,
    }
    documents = {
        "route.json": _dumps(document),
        "route.geojson": _dumps(route_service.route_geojson(route, stops, language)),
    }
    plan = PackPlan(documents=documents, assets=[])
    site_ids = [stop.site_id for stop in stops]
    # The stops' own scans, and the scans of published artefacts found at the stops.
    published_artefacts = Artefact.objects.published().filter(site__in=site_ids)
    scans = (
        Scan.objects.filter(Q(site__in=site_ids) | Q(artefact__in=published_artefacts))
        .select_related("artefact", "site")
        .prefetch_related("derivatives")
        .order_by("created_at", "id")
    )
    position_of = {stop.site_id: stop.position for stop in stops}
    for scan in scans:
        site_id = scan.site_id or scan.artefact.site_id
        allowed, reason = asset_may_go_in_pack(scan=scan, artefact=scan.artefact)
        label = str(scan.artefact or scan.site)
        if not allowed:
            plan.left_out.append({"scan": str(scan.public_id), "title": label, "reason": reason})
            continue
        for role, derivative in _pick_derivatives(scan, device):
            suffix = Path(derivative.file.name).suffix
            plan.assets.append(
                Asset(
                    name=f"assets/{scan.public_id}/{role}{suffix}",
                    derivative=derivative,
                    role=role,
                    stop=position_of.get(site_id, 0),
                    licence=scan.artefact.licence,
                    rights_holder=scan.artefact.rights_holder,
                    attribution=scan.artefact.attribution,
                )
            )
    # Posters before models, and nearer stops first: what is cut for the budget is the last.
    plan.assets.sort(key=lambda a: (a.role != "poster", a.stop, a.name))
    return plan


def route_pack_request(
    *, route: Route, language: str, device: str, budget_bytes: int = DEFAULT_BUDGET_BYTES
) -> RoutePack:
    """The pack of the route's current version, queued for building if it does not exist."""
    plan = pack_plan(route, language=language, device=device)
    fingerprint = plan.fingerprint(budget_bytes)
    lookup = {
        "route": route,
        "language": language,
        "device": device,
        "fingerprint": fingerprint,
        "budget_bytes": budget_bytes,
    }
    pack = RoutePack.objects.filter(**lookup).first()
    if pack is not None and pack.state != RoutePack.State.FAILED:
        return pack
    if pack is not None:
        # A failed build is tried again when someone asks again.
        RoutePack.objects.filter(pk=pack.pk, state=RoutePack.State.FAILED).update(
            state=RoutePack.State.BUILDING, failure_reason=""
        )
        pack.state = RoutePack.State.BUILDING
    else:
        try:
            with transaction.atomic():
                pack = RoutePack.objects.create(**lookup)
        except IntegrityError:
            return RoutePack.objects.get(**lookup)
    pack_id = pack.pk
    transaction.on_commit(lambda: _enqueue(pack_id))
    return pack


def _enqueue(pack_id: int) -> None:
    try:
        current_app.tasks[BUILD_PACK_TASK].delay(pack_id)
    except Exception:
        logger.exception("Could not enqueue route pack %s", pack_id)
        RoutePack.objects.filter(pk=pack_id, state=RoutePack.State.BUILDING).update(
            state=RoutePack.State.FAILED, failure_reason="The worker could not be reached."
        )


def route_pack_build(*, pack_id: int) -> str | None:
    """Build one pack in the worker. Returns its state, or None when there was nothing to do."""
    pack = RoutePack.objects.select_related("route").filter(pk=pack_id).first()
    if pack is None or pack.state != RoutePack.State.BUILDING:
        return None
    route = route_service.routes_with_stops(Route.objects.filter(pk=pack.route_id)).first()
    if route is None or route.state != PublicationState.PUBLISHED:
        _fail(pack, "The route is not published.")
        return RoutePack.State.FAILED
    plan = pack_plan(route, language=pack.language, device=pack.device)
    if plan.fingerprint(pack.budget_bytes) != pack.fingerprint:
        # The route changed since the request: the next request asks for the new version.
        _fail(pack, "The route changed while the pack was queued; ask again.")
        return RoutePack.State.FAILED
    with tempfile.TemporaryDirectory(prefix="route-pack-") as folder:
        path = Path(folder) / "pack.zip"
        manifest = _write_zip(path, plan, pack)
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        with path.open("rb") as handle:
            pack.file.save(
                f"{route.slug}-{pack.language}-{pack.device}.zip", File(handle), save=False
            )
    pack.byte_size = pack.file.size
    pack.sha256 = digest.hexdigest()
    pack.manifest = manifest
    pack.state = RoutePack.State.READY
    pack.finished_at = timezone.now()
    pack.save(update_fields=["file", "byte_size", "sha256", "manifest", "state", "finished_at"])
    return RoutePack.State.READY


def _fail(pack: RoutePack, reason: str) -> None:
    RoutePack.objects.filter(pk=pack.pk).update(
        state=RoutePack.State.FAILED, failure_reason=reason, finished_at=timezone.now()
    )


def _write_zip(path: Path, plan: PackPlan, pack: RoutePack) -> dict:
    """Documents first, then assets while they fit the budget; the manifest last."""
    files, left_out = [], list(plan.left_out)
    # The manifest's own size is not known before it is written: keep room for it.
    reserve = 64 * 1024 + 512 * (len(plan.assets) + len(plan.left_out))
    used = reserve
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in plan.documents.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
            used += len(content) + ZIP_ENTRY_OVERHEAD
            files.append({"path": name, "size": len(content), "sha256": _sha(content)})
        for asset in plan.assets:
            size = asset.derivative.byte_size
            if used + size + ZIP_ENTRY_OVERHEAD > pack.budget_bytes:
                left_out.append(
                    {
                        "path": asset.name,
                        "size": size,
                        "reason": f"over the pack's budget of {pack.budget_bytes:,} bytes",
                    }
                )
                continue
            with asset.derivative.file.open("rb") as source:
                content = source.read()
            # GLB and images are compressed already: stored, so a range read is cheap.
            archive.writestr(asset.name, content, compress_type=zipfile.ZIP_STORED)
            used += len(content) + ZIP_ENTRY_OVERHEAD
            files.append(
                {
                    "path": asset.name,
                    "size": len(content),
                    "sha256": _sha(content),
                    "role": asset.role,
                    "stop": asset.stop,
                    "licence": asset.licence,
                    "rights_holder": asset.rights_holder,
                    "attribution": asset.attribution,
                }
            )
        manifest = {
            "format": "silk-road-museum-route-pack/1",
            "route": str(pack.route.public_id),
            "language": languages.bcp47(pack.language),
            "device": pack.device,
            "version": pack.fingerprint,
            "budget_bytes": pack.budget_bytes,
            "files": files,
            "left_out": left_out,
        }
        archive.writestr("manifest.json", _dumps(manifest), compress_type=zipfile.ZIP_DEFLATED)
    return manifest


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
