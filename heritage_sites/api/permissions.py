"""DRF's side of the rule set in heritage_sites/permissions.py. Reading is open (querysets decide
what each caller sees); writing is for curators of an institution, never for third-party API
keys."""

from __future__ import annotations

from rest_framework import permissions

from heritage_sites.api.authentication import is_api_key
from heritage_sites.permissions import is_curator


class ReadOrCuratorWrite(permissions.BasePermission):
    """Anyone reads; curators (and staff) write. Which records they may write is decided by
    ``editable_by()`` in the view's queryset, so another institution's record answers 404."""

    message = "Only curators of an institution can change the collection."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if is_api_key(request):
            self.message = (
                "API keys give read access only. Sign in as a curator or send a curator token "
                "(Authorization: Token ...) to change records."
            )
            return False
        if not request.user or not request.user.is_authenticated:
            return False
        if not is_curator(request.user):
            self.message = (
                "Your account is not a curator of any institution. Ask an administrator to add "
                "you to your institution's curators."
            )
            return False
        return True
