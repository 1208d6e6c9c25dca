"""The heritage domain: where things are, who holds them, their 3D captures, and the stories
told with them. One module per sub-domain; everything is importable from here.

- core.py: countries, institutions, corridors, materials, sites, artefacts
- scans.py: scans of sites and artefacts, and their derivatives
- routes.py: routes along the Silk Roads, their stops and offline packs
- exhibitions.py: exhibitions, their sections, items and hotspots, and relic journeys
- records.py: what stays of a renamed or deleted record (slug history, tombstones)
- people.py: roles in institutions, requests for originals and the log of their downloads
- imports.py: bulk imports of sites and artefacts run by the worker
"""

from heritage_sites.models.core import (
    YEAR_VALIDATORS,
    Artefact,
    Corridor,
    Country,
    DownloadPolicy,
    HeritageSite,
    Institution,
    Licence,
    Material,
    PublicationState,
    TimeStamped,
)
from heritage_sites.models.exhibitions import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    ProvenanceEvent,
)
from heritage_sites.models.imports import ImportJob
from heritage_sites.models.people import (
    AccessRequest,
    DownloadLog,
    InstitutionRole,
    RequesterProfile,
)
from heritage_sites.models.records import DeletedRecord, RecordKind, SlugHistory
from heritage_sites.models.routes import Route, RoutePack, RouteStop, RouteTheme
from heritage_sites.models.scans import Derivative, Scan, derivative_path, scan_original_path

__all__ = [
    "YEAR_VALIDATORS",
    "AccessRequest",
    "Artefact",
    "Corridor",
    "Country",
    "DeletedRecord",
    "Derivative",
    "DownloadLog",
    "DownloadPolicy",
    "Exhibition",
    "ExhibitionItem",
    "ExhibitionSection",
    "HeritageSite",
    "Hotspot",
    "ImportJob",
    "Institution",
    "InstitutionRole",
    "Licence",
    "Material",
    "ProvenanceEvent",
    "PublicationState",
    "RecordKind",
    "RequesterProfile",
    "Route",
    "RoutePack",
    "RouteStop",
    "RouteTheme",
    "Scan",
    "SlugHistory",
    "TimeStamped",
    "derivative_path",
    "scan_original_path",
]
