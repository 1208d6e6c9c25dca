"""Who may do what to a site, an artefact, a scan, a route or an exhibition (any record with a
publication state): the one rule set.

The admin, the API, direct uploads, original links, access requests and the pages all ask these
functions. The querysets' ``visible_to(user)`` and ``editable_by(user)`` answer the same
questions for many rows at once, from the same ``curated_institution_ids``.

Roles are per institution (``InstitutionRole``, the rows behind ``Institution.curators``):

- visitor: anyone without a role, third-party API keys included. Reads what is published.
- curator: creates records of the institution, edits them while they are drafts, uploads scans
  and submits drafts for review.
- reviewer: everything a curator does, and publishes, rejects (with a comment), withdraws (with
  a reason) and reinstates the institution's records; edits them in any state; reverts them
  to an earlier version; approves or denies requests for their originals.
- administrator: everything a reviewer does, and gives the institution's roles.

Staff and superusers hold every role everywhere, and alone act for the whole museum (they import
the UNESCO World Heritage List, which is no institution's). The user who uploaded a scan may
download its original. A site belongs to the institutions that steward it; an artefact to the
one that holds it; a scan to its artefact's or site's.

Routes belong to one institution, as artefacts do; exhibitions to the institutions that made
them, as sites to their stewards. A relic's journey is edited with its artefact.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

# Records are typed as plain models: this module sits below models.py (the querysets use it),
# so it cannot import the model classes. Artefact, HeritageSite and Scan are meant.
Artefact = HeritageSite = Scan = Route = Exhibition = Model

DRAFT = "draft"


class Role(models.TextChoices):
    CURATOR = "curator", _("Curator")
    REVIEWER = "reviewer", _("Reviewer")
    ADMINISTRATOR = "administrator", _("Administrator")


RANK = {Role.CURATOR: 1, Role.REVIEWER: 2, Role.ADMINISTRATOR: 3}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff(user) -> bool:
    return _active(user) and (user.is_staff or user.is_superuser)


def roles_of(user) -> dict[int, str]:
    """Institution id -> the user's role there (read once per user object)."""
    if not _active(user):
        return {}
    cached = getattr(user, "_museum_roles", None)
    if cached is None:
        from django.apps import apps

        rows = apps.get_model("heritage_sites", "InstitutionRole").objects.filter(user=user)
        cached = dict(rows.values_list("institution_id", "role"))
        user._museum_roles = cached
    return cached


def forget_roles(user) -> None:
    """After roles change within one request (tests, the admin)."""
    if user is not None and hasattr(user, "_museum_roles"):
        del user._museum_roles


def institution_ids_with(user, minimum: str) -> list[int] | None:
    """Institutions where the user holds ``minimum`` or a higher role; None means all (staff)."""
    if not _active(user):
        return []
    if is_staff(user):
        return None
    floor = RANK[Role(minimum)]
    return sorted(pk for pk, role in roles_of(user).items() if RANK.get(role, 0) >= floor)


def curated_institution_ids(user) -> list[int] | None:
    """Institutions where the user holds any role; None means every institution (staff)."""
    return institution_ids_with(user, Role.CURATOR)


def is_curator(user) -> bool:
    """Staff, or a member (any role) of at least one institution."""
    return is_staff(user) or bool(roles_of(user))


def is_reviewer(user) -> bool:
    return is_staff(user) or bool(institution_ids_with(user, Role.REVIEWER))


def record_institution_ids(record) -> set[int]:
    """The institutions a record belongs to (see the module docstring)."""
    if getattr(record, "artefact_id", None) is not None:
        return record_institution_ids(record.artefact)
    if getattr(record, "site_id", None) is not None and not hasattr(record, "institution_id"):
        return record_institution_ids(record.site)
    if hasattr(record, "institution_id"):
        return {record.institution_id} if record.institution_id else set()
    if hasattr(record, "stewards") and record.pk:
        return set(record.stewards.values_list("pk", flat=True))
    if hasattr(record, "institutions") and record.pk:
        # An exhibition: a role in any of the institutions that made it counts.
        return set(record.institutions.values_list("pk", flat=True))
    return set()


def has_role(user, record, minimum: str) -> bool:
    """Whether the user holds ``minimum`` (or higher) in an institution the record belongs to."""
    allowed = institution_ids_with(user, minimum)
    if allowed is None:
        return True
    return bool(set(allowed) & record_institution_ids(record))


def _publication_state(record) -> str:
    field = getattr(type(record), "publication_field", "state")
    return getattr(record, field, DRAFT)


def may_edit(user, record) -> bool:
    """Change a record's fields: curators while it is a draft, reviewers in any state."""
    if _publication_state(record) == DRAFT and has_role(user, record, Role.CURATOR):
        return True
    return has_role(user, record, Role.REVIEWER)


def may_work_on(user, record) -> bool:
    """See the record in the admin and add scans to it: any role in its institutions."""
    return has_role(user, record, Role.CURATOR)


def may_submit(user, record) -> bool:
    return has_role(user, record, Role.CURATOR)


def may_review(user, record) -> bool:
    """Publish, reject, withdraw and reinstate."""
    return has_role(user, record, Role.REVIEWER)


def may_revert(user, record) -> bool:
    return has_role(user, record, Role.REVIEWER)


def may_see_history(user, record) -> bool:
    return has_role(user, record, Role.CURATOR)


def may_decide_access_request(user, scan: Scan) -> bool:
    """Approve, deny or revoke a request for a scan's original."""
    return has_role(user, scan, Role.REVIEWER)


def may_give_roles(user, institution) -> bool:
    allowed = institution_ids_with(user, Role.ADMINISTRATOR)
    return allowed is None or institution.pk in allowed


def may_import_world_heritage_list(user) -> bool:
    """Import the UNESCO World Heritage List export. Its properties are no institution's
    records (the import creates them published), so an institution's administrator, who
    administers that institution alone, may not: only the museum's staff."""
    return is_staff(user)


def may_edit_artefact(user, artefact: Artefact) -> bool:
    return may_edit(user, artefact)


def may_edit_site(user, site: HeritageSite) -> bool:
    return may_edit(user, site)


def may_edit_subject(
    user, *, artefact: Artefact | None = None, site: HeritageSite | None = None
) -> bool:
    if artefact is not None:
        return may_work_on(user, artefact)
    return site is not None and may_work_on(user, site)


def may_add_scan(
    user, *, artefact: Artefact | None = None, site: HeritageSite | None = None
) -> bool:
    """Upload a scan of the artefact or site, by form or directly to object storage. A new
    scan is a draft of its own, so a curator may add one to a published record."""
    return may_edit_subject(user, artefact=artefact, site=site)


def may_change_scan(user, scan: Scan) -> bool:
    """Reprocess the scan or change how it is processed."""
    return may_edit_subject(user, artefact=scan.artefact, site=scan.site)


def may_download_original(user, scan: Scan) -> bool:
    """The members of the scan's institutions, staff, and whoever uploaded it. (Everyone else
    goes through the scan's download policy: open originals, or an approved access request.)"""
    if not _active(user):
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
    """Its stops go with it: curators change drafts, reviewers change it in any state."""
    return may_edit(user, route)


def may_edit_exhibition(user, exhibition: Exhibition) -> bool:
    """Its sections, items and hotspots go with it, on the same rule as its own fields."""
    return may_edit(user, exhibition)
