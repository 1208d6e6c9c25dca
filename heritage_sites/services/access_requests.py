"""Requests for scan originals: ask (with a profile and the terms accepted), approve or deny
(a reviewer of the owning institution, with a note), a personal link that expires and can be
revoked, and a log line for every download. Requester and reviewers are told by e-mail."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from heritage_sites import permissions
from heritage_sites.models import (
    AccessRequest,
    DownloadLog,
    InstitutionRole,
    RequesterProfile,
    Scan,
)
from heritage_sites.permissions import Role
from heritage_sites.rights import DownloadPolicy

Status = AccessRequest.Status
SEND_MAIL_TASK = "heritage_sites.tasks.send_mail"

logger = logging.getLogger(__name__)


class AccessRefused(Exception):
    """The request cannot go on; the message says why and what to do."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _reviewer_emails(scan: Scan) -> list[str]:
    institutions = permissions.record_institution_ids(scan)
    emails = list(
        InstitutionRole.objects.filter(
            institution__in=institutions, role__in=[Role.REVIEWER, Role.ADMINISTRATOR]
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not emails and settings.MUSEUM_ADMIN_EMAIL:
        emails = [settings.MUSEUM_ADMIN_EMAIL]
    return sorted(set(emails))


def mail_send(*, subject: str, body: str, to: list[str]) -> None:
    """Hand one message to the mail server (the worker's task calls this)."""
    send_mail(subject, body, None, to)


def _enqueue_mail(subject: str, body: str, to: list[str]) -> None:
    try:
        current_app.tasks[SEND_MAIL_TASK].delay(subject, body, to)
    except Exception:
        # The decision is saved either way; the request's page shows its state.
        logger.exception("Could not queue the mail %r to %s", subject, to)


def _mail(subject: str, body: str, to: list[str]) -> None:
    if to:
        # After the commit: no mail about a decision that was rolled back. Sent by the
        # worker, so a slow or unreachable mail server never fails the request.
        transaction.on_commit(lambda: _enqueue_mail(subject, body, to))


def access_request_create(
    *, scan: Scan, requester, intended_use: str, terms_accepted: bool, profile: dict | None = None
) -> AccessRequest:
    """A requester asks for the original of a published scan whose policy is 'on request'."""
    if not Scan.objects.published().filter(pk=scan.pk).exists():
        raise AccessRefused("No published scan with this id.", status=404)
    if scan.download_policy == DownloadPolicy.OPEN:
        raise AccessRefused("This scan's original is open: download it without a request.")
    if scan.download_policy != DownloadPolicy.ON_REQUEST:
        raise AccessRefused(
            "The rights holder does not give out this scan's original "
            f"({scan.get_download_policy_display().lower()})."
        )
    if not terms_accepted:
        raise AccessRefused("Accept the terms of use to ask for the original.")
    if not (intended_use or "").strip():
        raise AccessRefused("Say what you will use the original for.")
    with transaction.atomic():
        if profile:
            RequesterProfile.objects.update_or_create(user=requester, defaults=profile)
        known = RequesterProfile.objects.filter(user=requester).first()
        if known is None or not known.full_name.strip() or not known.affiliation.strip():
            raise AccessRefused(
                "Give your full name and affiliation (profile) with your first request."
            )
        if AccessRequest.objects.filter(
            scan=scan, requester=requester, status=Status.PENDING
        ).exists():
            raise AccessRefused("You already asked for this original: wait for the decision.")
        request = AccessRequest.objects.create(
            scan=scan,
            requester=requester,
            intended_use=intended_use.strip(),
            terms_accepted_at=timezone.now(),
        )
        _mail(
            f"Request for the original of {scan}",
            f"{known.full_name} ({known.affiliation}) asks for the original of {scan}.\n\n"
            f"Intended use: {request.intended_use}\n\n"
            "Approve or deny it in the admin or through the API (access-requests).",
            _reviewer_emails(scan),
        )
    return request


def _decide(access_request: AccessRequest, by) -> AccessRequest:
    if not permissions.may_decide_access_request(by, access_request.scan):
        raise AccessRefused(
            "Only the reviewers of the scan's institution decide on its requests.", status=403
        )
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != Status.PENDING:
        raise AccessRefused(
            f"This request was already decided ({locked.get_status_display().lower()}).",
            status=409,
        )
    return locked


def access_request_approve(*, access_request: AccessRequest, by, note: str = "") -> str:
    """Approve; returns the link's secret (only the requester's e-mail holds it)."""
    with transaction.atomic():
        locked = _decide(access_request, by)
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        locked.status = Status.APPROVED
        locked.decided_by, locked.decided_at, locked.decision_note = by, now, note.strip()
        locked.token_digest = AccessRequest.digest(token)
        locked.expires_at = now + timedelta(days=settings.ACCESS_REQUEST_LINK_DAYS)
        locked.save()
        link = reverse("original-by-request", kwargs={"token": token})
        _mail(
            f"Your request for the original of {locked.scan} is approved",
            f"Download it here until {locked.expires_at:%Y-%m-%d %H:%M} UTC: {link}\n\n"
            f"The link is for you alone; every download is recorded.\n\n{locked.decision_note}",
            [locked.requester.email] if locked.requester.email else [],
        )
    access_request.refresh_from_db()
    return token


def access_request_deny(*, access_request: AccessRequest, by, note: str) -> AccessRequest:
    if not (note or "").strip():
        raise AccessRefused("Tell the requester why (a note is required to deny).")
    with transaction.atomic():
        locked = _decide(access_request, by)
        locked.status = Status.DENIED
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.decision_note = note.strip()
        locked.save()
        _mail(
            f"Your request for the original of {locked.scan} was declined",
            locked.decision_note,
            [locked.requester.email] if locked.requester.email else [],
        )
    return locked


def access_request_revoke(*, access_request: AccessRequest, by) -> AccessRequest:
    if not permissions.may_decide_access_request(by, access_request.scan):
        raise AccessRefused(
            "Only the reviewers of the scan's institution revoke its links.", status=403
        )
    with transaction.atomic():
        updated = AccessRequest.objects.filter(pk=access_request.pk, status=Status.APPROVED).update(
            status=Status.REVOKED, revoked_at=timezone.now()
        )
        if not updated:
            raise AccessRefused("Only an approved request can be revoked.", status=409)
        access_request.refresh_from_db()
        _mail(
            f"Your link to the original of {access_request.scan} was revoked",
            "The rights holder revoked the link. Ask again if you still need the original.",
            [access_request.requester.email] if access_request.requester.email else [],
        )
    return access_request


def access_request_download(*, token: str, user) -> tuple[Scan, AccessRequest]:
    """The scan behind a live personal link, with the download logged."""
    found = AccessRequest.objects.select_related("scan").filter(
        token_digest=AccessRequest.digest(token or "")
    )
    access_request = found.first()
    if access_request is None or not access_request.link_is_live:
        raise AccessRefused("This download link is not valid, has expired or was revoked.", 404)
    if user is not None and user.is_authenticated and user.pk != access_request.requester_id:
        raise AccessRefused("This link belongs to someone else.", status=403)
    scan = access_request.scan
    DownloadLog.objects.create(
        scan=scan,
        user_id=access_request.requester_id,
        access_request=access_request,
        route=DownloadLog.Route.ACCESS_REQUEST,
        filename=scan.original_filename or scan.stored_name(),
        byte_size=scan.byte_size,
    )
    return scan, access_request
