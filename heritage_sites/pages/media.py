"""Which files of a scan a page shows: the poster at once, the model that suits the device."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from heritage_sites.models import Derivative, Scan


@dataclass
class Viewable:
    """A ready scan with its public files, lightest model first."""

    scan: Scan
    poster: Derivative | None = None
    web: Derivative | None = None
    lods: list[Derivative] = field(default_factory=list)

    @property
    def phone_model(self) -> Derivative | None:
        """The lightest model: the smallest level of detail, or the web model."""
        return self.lods[0] if self.lods else self.web

    @property
    def full_model(self) -> Derivative | None:
        """The most detailed public model (the web model: at most 500k faces)."""
        return self.web or (self.lods[-1] if self.lods else None)

    @property
    def extents_mm(self) -> list[float] | None:
        extents = (self.scan.report or {}).get("extents_mm")
        if isinstance(extents, list) and len(extents) == 3:
            return [float(value) for value in extents]
        return None


def viewables(scans: QuerySet) -> list[Viewable]:
    """The scans with their derivatives, in two queries whatever the number of scans."""
    rows = list(scans)
    by_scan: dict[int, Viewable] = {scan.pk: Viewable(scan) for scan in rows}
    derivatives = Derivative.objects.filter(scan_id__in=by_scan).only(
        "scan_id", "kind", "file", "byte_size", "face_count", "width", "height", "content_type"
    )
    for derivative in derivatives:
        viewable = by_scan[derivative.scan_id]
        if derivative.kind == Derivative.Kind.POSTER:
            # The widest poster: pages show it at up to 512 CSS pixels.
            if viewable.poster is None or (derivative.width or 0) > (viewable.poster.width or 0):
                viewable.poster = derivative
        elif derivative.kind == Derivative.Kind.WEB:
            viewable.web = derivative
        elif derivative.kind == Derivative.Kind.LOD:
            viewable.lods.append(derivative)
    for viewable in by_scan.values():
        viewable.lods.sort(key=lambda lod: lod.face_count or 0)
    return [by_scan[scan.pk] for scan in rows]


def posters_for(subject: str, ids: list[int]) -> dict[int, Derivative]:
    """One poster per artefact or site (``subject``: "artefact" or "site"), in two queries:
    of its ready, published scans the as-found ones first, then the newest."""
    rows = Derivative.objects.filter(
        kind=Derivative.Kind.POSTER,
        scan__in=Scan.objects.published().filter(**{f"{subject}_id__in": ids}),
    ).values_list(f"scan__{subject}_id", "scan__kind", "scan__created_at", "width", "pk")
    best: dict[int, tuple] = {}
    wanted: dict[int, int] = {}
    for owner_id, kind, created, width, pk in rows:
        key = (kind == Scan.Kind.AS_FOUND, created, width or 0)
        if owner_id not in best or key > best[owner_id]:
            best[owner_id] = key
            wanted[owner_id] = pk
    if not wanted:
        return {}
    by_pk = Derivative.objects.in_bulk(list(wanted.values()))
    return {owner_id: by_pk[pk] for owner_id, pk in wanted.items()}
