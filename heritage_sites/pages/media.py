"""Which files of a scan a page shows: the poster at once, the model that suits the device."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from heritage_sites.models import Derivative, Scan


@dataclass
class Viewable:
    """A ready scan with its public files, lightest model first."""

    scan: Scan
    poster: Derivative | None = None
    web: Derivative | None = None
    lods: list[Derivative] = field(default_factory=list)
    # The measured size, from the scan's processing report (x, y up, z).
    report_extents: object = None

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
        extents = self.report_extents
        if isinstance(extents, list) and len(extents) == 3:
            return [float(value) for value in extents]
        return None


def _poster_key(poster: Derivative) -> tuple[bool, int]:
    # WebP first (a fifth to a seventh of the PNG's bytes), then the widest.
    return (poster.content_type == "image/webp", poster.width or 0)


def _with_srcset(posters: list[Derivative]) -> Derivative | None:
    """The scan's best poster, carrying in ``srcset`` every width of its format, so a phone
    downloads the width its screen needs instead of the widest."""
    if not posters:
        return None
    best = max(posters, key=_poster_key)
    widths = {p.width: p for p in posters if p.content_type == best.content_type and p.width}
    best.srcset = ", ".join(f"{widths[w].file.url} {w}w" for w in sorted(widths))
    return best


# What the pages show of a scan besides its files (viewer.html, the artefact page).
_SCAN_FIELDS = ("public_id", "kind", "procedural", "created_at")
_SHOWN = (Derivative.Kind.POSTER, Derivative.Kind.WEB, Derivative.Kind.LOD)


def viewables(scans: QuerySet, *, newest_first: bool = False) -> list[Viewable]:
    """The scans with their public files, oldest (or newest) first, in one query whatever
    the number of scans. A scan with no file has nothing to show and is left out."""
    derivatives = (
        Derivative.objects.filter(scan__in=scans, kind__in=_SHOWN)
        # select_related: each file's scan (the few columns shown, on each of its rows).
        .select_related("scan")
        .only(
            *("kind", "file", "byte_size", "face_count", "width", "height", "content_type"),
            *("scan", *(f"scan__{name}" for name in _SCAN_FIELDS)),
        )
        # Of the processing report (about 2 KB of JSON), only the measured size.
        .annotate(report_extents=F("scan__report__extents_mm"))
        .order_by()  # the scans are ordered below
    )
    by_scan: dict[int, Viewable] = {}
    posters: dict[int, list[Derivative]] = defaultdict(list)
    for derivative in derivatives:
        viewable = by_scan.get(derivative.scan_id)
        if viewable is None:
            viewable = by_scan[derivative.scan_id] = Viewable(
                derivative.scan, report_extents=derivative.report_extents
            )
        if derivative.kind == Derivative.Kind.POSTER:
            posters[derivative.scan_id].append(derivative)
        elif derivative.kind == Derivative.Kind.WEB:
            viewable.web = derivative
        elif derivative.kind == Derivative.Kind.LOD:
            viewable.lods.append(derivative)
    for viewable in by_scan.values():
        viewable.poster = _with_srcset(posters[viewable.scan.pk])
        viewable.lods.sort(key=lambda lod: lod.face_count or 0)
    return sorted(
        by_scan.values(),
        key=lambda viewable: (viewable.scan.created_at, viewable.scan.pk),
        reverse=newest_first,
    )


def posters_for(subject: str, ids: list[int]) -> dict[int, Derivative]:
    """One poster per artefact or site (``subject``: "artefact" or "site"), with its
    ``srcset``, in one query: of its ready, published scans the as-found ones first, then
    the newest; of that scan's posters the WebP, widest first."""
    if not ids:
        return {}
    rows = (
        Derivative.objects.filter(
            kind=Derivative.Kind.POSTER,
            scan__in=Scan.objects.published().filter(**{f"{subject}_id__in": ids}),
        )
        .select_related("scan")
        .only(
            "file",
            "width",
            "height",
            "content_type",
            "scan",
            "scan__kind",
            "scan__created_at",
            f"scan__{subject}",
        )
        .order_by()  # the best is chosen below
    )
    by_scan: dict[int, list[Derivative]] = defaultdict(list)
    best: dict[int, tuple] = {}
    for poster in rows:
        scan = poster.scan
        by_scan[scan.pk].append(poster)
        owner_id = getattr(scan, f"{subject}_id")
        key = (scan.kind == Scan.Kind.AS_FOUND, scan.created_at, scan.pk)
        if owner_id not in best or key > best[owner_id]:
            best[owner_id] = key
    return {owner_id: _with_srcset(by_scan[key[2]]) for owner_id, key in best.items()}
