"""Who may do what to a site, an artefact, a scan, a route or an exhibition: the one rule set.

The admin, the API, direct uploads, original links and the pages all ask these functions. The
querysets' ``visible_to(user)`` and ``editable_by(user)`` answer the same questions for many rows
at once, from the same ``curated_institution_ids``.

- Staff and superusers may do everything.
- A curator (a user listed among an institution's curators) edits what their institutions hold
  (artefacts) or steward (sites), and the scans of those records: uploads them (by form or
  directly to object storage), reprocesses them and downloads their originals.
- Routes belong to one institution, as artefacts do; exhibitions to the institutions that made
  them, as sites to their stewards. A relic's journey is edited with its artefact.
- The user who uploaded a scan may download its original.
- Everyone else, third-party API keys included, reads what is published and changes nothing.
"""

from __future__ import annotations

from django.db.models import Model

# Records are typed as plain models: this module sits below models.py (the querysets use it),
# so it cannot import the model classes. Artefact, HeritageSite and Scan are meant.
Artefact = HeritageSite = Scan = Route = Exhibition = Model


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_staff or user.is_superuser
    )


def curated_institution_ids(user) -> list[int] | None:
    """Institutions whose records the user curates; None means every institution (staff)."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    if is_staff(user):
        return None
    return list(user.institutions.values_list("pk", flat=True))


def is_curator(user) -> bool:
    """Staff, or a curator of at least one institution."""
    if is_staff(user):
        return True
    return bool(user and user.is_authenticated and user.is_active) and user.institutions.exists()


def may_edit_artefact(user, artefact: Artefact) -> bool:
    institution_ids = curated_institution_ids(user)
    return institution_ids is None or artefact.institution_id in institution_ids


def may_edit_site(user, site: HeritageSite) -> bool:
    institution_ids = curated_institution_ids(user)
    if institution_ids is None:
        return True
    return bool(institution_ids) and site.stewards.filter(pk__in=institution_ids).exists()


def may_edit_subject(
    user, *, artefact: Artefact | None = None, site: HeritageSite | None = None
) -> bool:
    if artefact is not None:
        return may_edit_artefact(user, artefact)
    return site is not None and may_edit_site(user, site)


def may_add_scan(
    user, *, artefact: Artefact | None = None, site: HeritageSite | None = None
) -> bool:
    """Upload a scan of the artefact or site, by form or directly to object storage."""
    return may_edit_subject(user, artefact=artefact, site=site)


def may_change_scan(user, scan: Scan) -> bool:
    """Reprocess the scan or change how it is processed."""
    return may_edit_subject(user, artefact=scan.artefact, site=scan.site)


def may_download_original(user, scan: Scan) -> bool:
    """The curators of the scan's subject, staff, and whoever uploaded it."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if scan.uploaded_by_id is not None and scan.uploaded_by_id == user.pk:
        return True
    return may_change_scan(user, scan)


def refusal_to_add_scan(*, artefact: Artefact | None, site: HeritageSite | None) -> str:
    """What to tell someone who may not add a scan of this subject."""
    if artefact is not None:
        return "Only the curators of this artefact's institution may add scans of it."
    return "Only the curators of the institutions that steward this site may add scans of it."


def may_edit_route(user, route: Route) -> bool:
    institution_ids = curated_institution_ids(user)
    return institution_ids is None or route.institution_id in institution_ids


def may_edit_exhibition(user, exhibition: Exhibition) -> bool:
    institution_ids = curated_institution_ids(user)
    if institution_ids is None:
        return True
    return bool(institution_ids) and exhibition.institutions.filter(pk__in=institution_ids).exists()
