"""Exhibitions: what a caller may see of one, the model each item shows, and its hotspots in
the web model's coordinates (mapped from the original's through the scan's recorded transform).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from heritage_sites.models import (
    Artefact,
    Derivative,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    HeritageSite,
    Hotspot,
    Scan,
)
from heritage_sites.processing import hotspots as geometry


@dataclass
class Visible:
    """The ids of the records a caller may see, for filtering an exhibition's items."""

    artefacts: set[int]
    sites: set[int]
    scans: dict[int, Scan] = field(default_factory=dict)


def visible_for(user, exhibition: Exhibition) -> Visible:
    items = [item for section in exhibition.sections.all() for item in section.items.all()]
    artefact_ids = {item.artefact_id for item in items if item.artefact_id}
    site_ids = {item.site_id for item in items if item.site_id}
    scan_ids = {item.scan_id for item in items if item.scan_id}
    scans = (
        Scan.objects.visible_to(user)
        .ready()
        .filter(Q(artefact__in=artefact_ids) | Q(site__in=site_ids) | Q(pk__in=scan_ids))
        .prefetch_related("derivatives")
        .order_by("created_at", "id")
    )
    return Visible(
        artefacts=set(
            Artefact.objects.visible_to(user)
            .filter(pk__in=artefact_ids)
            .values_list("pk", flat=True)
        ),
        sites=set(
            HeritageSite.objects.visible_to(user)
            .filter(pk__in=site_ids)
            .values_list("pk", flat=True)
        ),
        scans={scan.pk: scan for scan in scans},
    )


def exhibitions_with_content(exhibitions):
    """Sections, items (with their subjects) and hotspots: one query each, not one per row."""
    hotspots = Hotspot.objects.order_by("position")
    items = (
        ExhibitionItem.objects.select_related("artefact", "site", "scan")
        .prefetch_related(Prefetch("hotspots", queryset=hotspots))
        .order_by("position")
    )
    sections = ExhibitionSection.objects.prefetch_related(
        Prefetch("items", queryset=items)
    ).order_by("position")
    return exhibitions.prefetch_related(
        Prefetch("sections", queryset=sections), "institutions"
    ).select_related("cover")


def item_is_visible(item: ExhibitionItem, visible: Visible) -> bool:
    if item.artefact_id:
        return item.artefact_id in visible.artefacts
    if item.site_id:
        return item.site_id in visible.sites
    return item.scan_id in visible.scans


def item_model(item: ExhibitionItem, visible: Visible) -> Scan | None:
    """The scan an item shows: its own, or the first ready as-found scan of its subject."""
    if item.scan_id:
        return visible.scans.get(item.scan_id)
    candidates = [
        scan
        for scan in visible.scans.values()
        if (item.artefact_id and scan.artefact_id == item.artefact_id)
        or (item.site_id and scan.site_id == item.site_id)
    ]
    candidates.sort(key=lambda scan: (scan.kind != Scan.Kind.AS_FOUND, scan.created_at))
    return candidates[0] if candidates else None


def derivative(scan: Scan, kind: str, *, lightest: bool = False) -> Derivative | None:
    found = [d for d in scan.derivatives.all() if d.kind == kind]
    if not found:
        return None
    found.sort(key=lambda d: d.face_count or d.width or 0)
    return found[0] if lightest else found[-1]


def hotspot_in_web(hotspot: Hotspot, scan: Scan) -> dict | None:
    """The hotspot where the scan's current web model has it, or None if it has no place yet."""
    try:
        matrix = geometry.web_matrix(scan.report or {})
    except geometry.TransformUnknown:
        return None
    point = geometry.to_web(matrix, hotspot.point)
    normal = geometry.normal_to_web(matrix, hotspot.normal)
    data = {"position": point, "normal": normal, "camera_target": None, "camera_orbit": None}
    if hotspot.camera_target is not None and hotspot.camera_position is not None:
        target = geometry.to_web(matrix, hotspot.camera_target)
        camera = geometry.to_web(matrix, hotspot.camera_position)
        data["camera_target"] = target
        data["camera_orbit"] = geometry.camera_orbit(target, camera)
    return data


def hotspot_from_web(
    *, scan: Scan, position, normal, camera_target=None, camera_orbit=None
) -> dict:
    """What the admin's viewer clicked (web coordinates) as the original's coordinates."""
    matrix = geometry.web_matrix(scan.report or {})
    values = {
        "point": geometry.to_original(matrix, position),
        "normal": geometry.normal_to_original(matrix, normal),
        "camera_target": None,
        "camera_position": None,
    }
    if camera_target is not None and camera_orbit is not None:
        camera = geometry.camera_position(camera_target, camera_orbit)
        values["camera_target"] = geometry.to_original(matrix, camera_target)
        values["camera_position"] = geometry.to_original(matrix, camera)
    return values
