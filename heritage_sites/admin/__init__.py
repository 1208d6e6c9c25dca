"""The curators' admin, one module per part of the domain (Django's autodiscovery imports this
package; importing each module registers its model admins).

- core.py: countries, institutions, corridors, materials, sites, artefacts, scans
- routes.py: routes, their stops and themes
- exhibitions.py: exhibitions, sections, items and hotspots, provenance
- workflow.py: the review queue filter and the workflow actions every reviewed record shares
- access_requests.py: requests for scan originals, decided by the institution's reviewers
"""

from heritage_sites.admin import access_requests, core, exhibitions, routes  # noqa: F401
