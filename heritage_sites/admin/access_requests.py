"""Requests for scan originals in the admin.

A reviewer of the scan's institution sees its requests (nobody else's: the list is
``AccessRequest.objects.decidable_by``), approves or denies them with a note and revokes a
link, through the same services as the API, so the requester gets the same e-mail and the same
personal link. The request itself and its downloads are read only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from heritage_sites import permissions
from heritage_sites.admin.workflow import note_page
from heritage_sites.models import AccessRequest, DownloadLog
from heritage_sites.services.access_requests import (
    AccessRefused,
    access_request_approve,
    access_request_deny,
    access_request_revoke,
)

APPROVE_ASKED = (
    _("Approve these requests? Each requester is sent a personal download link by e-mail."),
    _("A note for the requesters (optional, sent with the link)"),
    _("Approve"),
)
DENY_ASKED = (
    _("Deny these requests? Each requester is told why by e-mail."),
    _("Why the requests are denied (sent to the requesters)"),
    _("Deny"),
)


class DownloadLogInline(admin.TabularInline):
    """Every download made with the request's link: who, when, which file, how many bytes."""

    model = DownloadLog
    fields = ["downloaded_at", "user", "filename", "byte_size"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("download")
    verbose_name_plural = _("downloads with this request's link")

    def has_view_permission(self, request, obj=None):
        return obj is not None and permissions.may_decide_access_request(request.user, obj.scan)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _decide(modeladmin, request, queryset, decide, done_message) -> None:
    """Run ``decide`` on each selected request; say how many were done and why others were
    refused (already decided, not approved, not the reviewer's)."""
    done = 0
    for access_request in queryset:
        try:
            decide(access_request)
        except AccessRefused as refusal:
            modeladmin.message_user(request, f"{access_request}: {refusal}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["requester", "requester_profile", "scan", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["requester__username", "requester__requester_profile__full_name"]
    date_hierarchy = "created_at"
    fields = [
        "requester",
        "requester_profile",
        "scan",
        "intended_use",
        "terms_accepted_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "expires_at",
        "revoked_at",
        "created_at",
    ]
    # The link's secret is in the requester's e-mail alone; its digest is never shown.
    readonly_fields = fields
    inlines = [DownloadLogInline]
    actions = ["approve", "deny", "revoke"]

    def get_queryset(self, request):
        # Each row names its requester (and profile), scan and decider: joined, not one query
        # per row.
        return (
            super()
            .get_queryset(request)
            .decidable_by(request.user)
            .select_related("requester__requester_profile", "scan", "decided_by")
        )

    @admin.display(description=_("requester's profile"))
    def requester_profile(self, access_request) -> str:
        profile = getattr(access_request.requester, "requester_profile", None)
        return str(profile) if profile is not None else "-"

    def has_module_permission(self, request):
        return permissions.is_reviewer(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_reviewer(request.user)
        return permissions.may_decide_access_request(request.user, obj.scan)

    def has_decide_permission(self, request):
        return permissions.is_reviewer(request.user)

    def has_add_permission(self, request):
        return False  # requesters ask through the API, with the terms accepted

    def has_change_permission(self, request, obj=None):
        return False  # decisions are the actions, which mail the requester

    def has_delete_permission(self, request, obj=None):
        return False  # the decision and its downloads stay on record

    @admin.action(description=_("Approve with a note (reviewers)"), permissions=["decide"])
    def approve(self, request, queryset):
        if not request.POST.get("confirmed"):
            return note_page(
                self, request, queryset, action="approve", asked=APPROVE_ASKED, required=False
            )
        note = request.POST.get("note", "").strip()
        _decide(
            self,
            request,
            queryset,
            lambda r: access_request_approve(access_request=r, by=request.user, note=note),
            lambda n: (
                ngettext(
                    "%(count)d request approved: its requester was sent a personal link.",
                    "%(count)d requests approved: each requester was sent a personal link.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Deny with a note (reviewers)"), permissions=["decide"])
    def deny(self, request, queryset):
        note = request.POST.get("note", "").strip()
        if not (request.POST.get("confirmed") and note):
            return note_page(self, request, queryset, action="deny", asked=DENY_ASKED)
        _decide(
            self,
            request,
            queryset,
            lambda r: access_request_deny(access_request=r, by=request.user, note=note),
            lambda n: (
                ngettext(
                    "%(count)d request denied: its requester was told why.",
                    "%(count)d requests denied: each requester was told why.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Revoke the download link (reviewers)"), permissions=["decide"])
    def revoke(self, request, queryset):
        _decide(
            self,
            request,
            queryset,
            lambda r: access_request_revoke(access_request=r, by=request.user),
            lambda n: (
                ngettext(
                    "%(count)d link revoked: it downloads nothing any more.",
                    "%(count)d links revoked: they download nothing any more.",
                    n,
                )
                % {"count": n}
            ),
        )
