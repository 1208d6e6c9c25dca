"""The publication workflow: draft -> in review -> published -> withdrawn, for any record that
mixes in ``Reviewable`` (sites, artefacts, scans; exhibitions and routes alike).

Each transition is fenced: the row is locked, its state checked, and the move written with
who and when, in one transaction. The rule set (heritage_sites/permissions.py) says who may;
the model's ``publication_problems()`` says whether it may be published yet.

The named transitions (``site_submit``, ``artefact_withdraw``, ``route_publish``,
``exhibition_reinstate``...) are at the end of this module; they all go through
``record_transition``. (``scan_publish`` in scan_processing.py is something else: it
stores a pipeline's outcome. The workflow's publication of a scan is ``scan_approve``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from heritage_sites import permissions
from heritage_sites.models import Artefact, HeritageSite, Scan
from heritage_sites.models.workflow import PublicationState
from heritage_sites.services import derivatives

DRAFT, IN_REVIEW = PublicationState.DRAFT, PublicationState.IN_REVIEW
PUBLISHED, WITHDRAWN = PublicationState.PUBLISHED, PublicationState.WITHDRAWN


class TransitionRefused(Exception):
    """The transition cannot happen; ``messages`` say why in words a curator can act on."""

    status = 409

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class TransitionForbidden(TransitionRefused):
    status = 403


class NoteRequired(TransitionRefused):
    status = 400


class PublicationBlocked(TransitionRefused):
    """The record is not ready to be published (a gate is closed)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    may: object  # permissions.may_submit or permissions.may_review
    note: str = ""  # the field the user's note goes to; required when set
    who: str = ""  # the prefix of the <who>_at / <who>_by fields to stamp


TRANSITIONS = {
    "submit": Transition("submit", (DRAFT,), IN_REVIEW, permissions.may_submit, who="submitted"),
    "reject": Transition(
        "reject",
        (IN_REVIEW,),
        DRAFT,
        permissions.may_review,
        note="review_comment",
        who="reviewed",
    ),
    "publish": Transition(
        "publish", (IN_REVIEW,), PUBLISHED, permissions.may_review, who="published"
    ),
    "withdraw": Transition(
        "withdraw",
        (PUBLISHED,),
        WITHDRAWN,
        permissions.may_review,
        note="withdrawal_reason",
        who="withdrawn",
    ),
    "reinstate": Transition("reinstate", (WITHDRAWN,), DRAFT, permissions.may_review),
}

REFUSALS = {
    "submit": "Only the curators of the record's institution may submit it for review.",
    "reject": "Only the reviewers of the record's institution may send it back.",
    "publish": "Only the reviewers of the record's institution may publish it.",
    "withdraw": "Only the reviewers of the record's institution may withdraw it.",
    "reinstate": "Only the reviewers of the record's institution may reinstate it.",
}

PAST = {
    "submit": "submitted for review",
    "reject": "sent back",
    "publish": "published",
    "withdraw": "withdrawn",
    "reinstate": "reinstated",
}

NOTES = {
    "reject": "Say what the curator should change (a comment is required to send it back).",
    "withdraw": "Give the reason for the withdrawal: visitors see it in place of the record.",
}


def on_publication_changed(record: Model) -> None:
    """Called once a transition into or out of ``published`` has committed.

    The one place that follows a record's publication: derivative privacy (files becoming
    public only with their subject), search and caches hook in here. Routes and exhibitions
    own no files of their own: a route pack is built for published routes only (services/
    packs.py) and an exhibition's cover is a scan's poster, public with its scan.
    """
    if isinstance(record, Scan):
        derivatives.scan_derivatives_sync_visibility(scan=record)
    elif isinstance(record, Artefact | HeritageSite):
        derivatives.subject_derivatives_sync_visibility_on_commit(subject=record)


def record_transition(*, record: Model, action: str, by, note: str = "") -> Model:
    """Move ``record`` by ``action`` (submit, reject, publish, withdraw, reinstate)."""
    transition = TRANSITIONS[action]
    if not transition.may(by, record):
        raise TransitionForbidden(REFUSALS[action])
    note = (note or "").strip()
    if transition.note and not note:
        raise NoteRequired(NOTES[action])
    model = type(record)
    field = model.publication_field
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=record.pk)
        current = getattr(locked, field)
        if current not in transition.sources:
            sources = " or ".join(PublicationState(s).label.lower() for s in transition.sources)
            raise TransitionRefused(
                f"It is {PublicationState(current).label.lower()}: only a record that is "
                f"{sources} can be {PAST[action]}."
            )
        if transition.target == PUBLISHED:
            problems = locked.publication_problems()
            if problems:
                raise PublicationBlocked(*problems)
        changed = [field, "updated_at"]
        setattr(locked, field, transition.target)
        if transition.who:
            setattr(locked, f"{transition.who}_at", timezone.now())
            setattr(locked, f"{transition.who}_by", by)
            changed += [f"{transition.who}_at", f"{transition.who}_by"]
        if transition.note:
            setattr(locked, transition.note, note)
            changed.append(transition.note)
        if action == "reinstate":
            locked.withdrawal_reason = ""
            changed.append("withdrawal_reason")
        # simple-history: the API's token users are not on the request the middleware sees.
        locked._history_user = by
        locked._change_reason = action
        locked.save(update_fields=changed)
        if PUBLISHED in (current, transition.target):
            transaction.on_commit(lambda: on_publication_changed(locked))
    return locked


def _named(entity: str, action: str):
    def transition(*, by, note: str = "", **kwargs) -> Model:
        return record_transition(record=kwargs[entity], action=action, by=by, note=note)

    transition.__name__ = f"{entity}_{action}"
    transition.__doc__ = f"{action.capitalize()} the {entity} (see record_transition)."
    return transition


site_submit = _named("site", "submit")
site_reject = _named("site", "reject")
site_publish = _named("site", "publish")
site_withdraw = _named("site", "withdraw")
site_reinstate = _named("site", "reinstate")
artefact_submit = _named("artefact", "submit")
artefact_reject = _named("artefact", "reject")
artefact_publish = _named("artefact", "publish")
artefact_withdraw = _named("artefact", "withdraw")
artefact_reinstate = _named("artefact", "reinstate")
scan_submit = _named("scan", "submit")
scan_reject = _named("scan", "reject")
scan_approve = _named("scan", "publish")
scan_withdraw = _named("scan", "withdraw")
scan_reinstate = _named("scan", "reinstate")
route_submit = _named("route", "submit")
route_reject = _named("route", "reject")
route_publish = _named("route", "publish")
route_withdraw = _named("route", "withdraw")
route_reinstate = _named("route", "reinstate")
exhibition_submit = _named("exhibition", "submit")
exhibition_reject = _named("exhibition", "reject")
exhibition_publish = _named("exhibition", "publish")
exhibition_withdraw = _named("exhibition", "withdraw")
exhibition_reinstate = _named("exhibition", "reinstate")
