"""The admin site: staff, and curators of an institution who are not staff, may sign in.

What each of them sees and changes there is decided by heritage_sites/permissions.py (see the
model admins in heritage_sites/admin/).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from heritage_sites import permissions


def _may_sign_in(user) -> bool:
    return permissions.is_staff(user) or permissions.is_curator(user)


class MuseumAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not user.is_active or not _may_sign_in(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class MuseumAdminSite(admin.AdminSite):
    login_form = MuseumAuthenticationForm

    def has_permission(self, request) -> bool:
        return _may_sign_in(request.user)
