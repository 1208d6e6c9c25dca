"""The heritage domain: where things are, who holds them, their 3D captures, and the stories
told with them. One module per sub-domain; everything is importable from here.

- core.py: countries, institutions, corridors, materials, sites, artefacts, scans, derivatives
- routes.py: routes along the Silk Roads, their stops and offline packs
- exhibitions.py: exhibitions, their sections, items and hotspots, and relic journeys
"""

from heritage_sites.models.core import (
    YEAR_VALIDATORS,
    Artefact,
    Corridor,
    Country,
    Derivative,
    HeritageSite,
    Institution,
    Licence,
    Material,
    PublicationState,
    Scan,
    TimeStamped,
    derivative_path,
    scan_original_path,
)
from heritage_sites.models.exhibitions import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    ProvenanceEvent,
)
from heritage_sites.models.routes import Route, RoutePack, RouteStop, RouteTheme

__all__ = [
    "YEAR_VALIDATORS",
    "Artefact",
    "Corridor",
    "Country",
    "Derivative",
    "Exhibition",
    "ExhibitionItem",
    "ExhibitionSection",
    "HeritageSite",
    "Hotspot",
    "Institution",
    "Licence",
    "Material",
    "ProvenanceEvent",
    "PublicationState",
    "Route",
    "RoutePack",
    "RouteStop",
    "RouteTheme",
    "Scan",
    "TimeStamped",
    "derivative_path",
    "scan_original_path",
]
