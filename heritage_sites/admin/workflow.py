"""The workflow in the admin: transition actions, the review queue as a filter, the history
with a revert for reviewers. Mixed into the admins of sites, artefacts, scans, routes and
exhibitions; every action calls the same fenced service as the API
(heritage_sites/services/workflow.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from heritage_sites import permissions
from heritage_sites.services.workflow import TransitionRefused, record_transition

WORKFLOW_READONLY = [
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "review_comment",
    "published_at",
    "published_by",
    "withdrawn_at",
    "withdrawn_by",
    "withdrawal_reason",
]

NOTE_ASKED = {
    "reject": (
        _("Send these records back to their curators?"),
        _("What should the curators change?"),
        _("Send back"),
    ),
    "withdraw": (
        _("Withdraw these records? Visitors will see the reason instead."),
        _("Reason for the withdrawal (shown to visitors)"),
        _("Withdraw"),
    ),
}


class ReviewQueueFilter(admin.SimpleListFilter):
    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", _("Waiting for my review"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(
                pk__in=queryset.model.objects.awaiting_review_by(request.user).values("pk")
            )
        return queryset


def _run(modeladmin, request, queryset, name: str, note: str = "") -> None:
    moved, refusals = 0, []
    for record in queryset:
        try:
            record_transition(record=record, action=name, by=request.user, note=note)
            moved += 1
        except TransitionRefused as exc:
            refusals.append(f"{record}: {' '.join(exc.messages)}")
    if moved:
        modeladmin.message_user(
            request, _("%(count)d record(s) done.") % {"count": moved}, messages.SUCCESS
        )
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.ERROR)


def note_page(
    modeladmin, request, queryset, *, action: str, asked: tuple, required: bool = True
) -> TemplateResponse:
    """The page an action shows to ask for its note (``asked``: question, label, button)
    before it runs on the selected records."""
    question, label, button = asked
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": question,
        "question": question,
        "label": label,
        "button": button,
        "note_required": required,
        "records": list(queryset),
        "action": action,
        "back": request.get_full_path(),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/heritage_sites/workflow_note.html", context)


def _with_note(name: str):
    def act(modeladmin, request, queryset):
        note = request.POST.get("note", "").strip()
        if request.POST.get("confirmed") and note:
            return _run(modeladmin, request, queryset, name, note)
        return note_page(modeladmin, request, queryset, action=name, asked=NOTE_ASKED[name])

    return act


def _plain(name: str):
    def act(modeladmin, request, queryset):
        return _run(modeladmin, request, queryset, name)

    return act


ACTION_LABELS = {
    "submit": _("Submit for review"),
    "publish": _("Publish (reviewers)"),
    "reject": _("Send back to draft with a comment (reviewers)"),
    "withdraw": _("Withdraw with a reason (reviewers)"),
    "reinstate": _("Reinstate as a draft (reviewers)"),
}


def workflow_actions():
    made = []
    for name, label in ACTION_LABELS.items():
        function = _with_note(name) if name in NOTE_ASKED else _plain(name)
        function.__name__ = name
        made.append(admin.action(description=label)(function))
    return made


class WorkflowAdmin(SimpleHistoryAdmin):
    """History (every change, who and when, with a revert for reviewers) and the workflow
    actions. The state itself is read only: it changes by the actions alone."""

    history_list_display = ["history_change_reason"]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        for function in workflow_actions():
            actions[function.__name__] = (function, function.__name__, function.short_description)
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        state = self.model.publication_field
        return [*fields, *(f for f in (state, *WORKFLOW_READONLY) if f not in fields)]

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return obj is None or permissions.may_see_history(request.user, obj)

    def has_view_history_permission(self, request, obj=None):
        return obj is None or permissions.may_see_history(request.user, obj)

    def has_change_history_permission(self, request, obj=None):
        return obj is not None and permissions.may_revert(request.user, obj)

    def revert_disabled(self, request, obj=None):
        return not self.has_change_history_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            record = self.model.objects.filter(pk=object_id).first()
            if record is None or not permissions.may_revert(request.user, record):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
