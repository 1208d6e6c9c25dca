"""The collected static files (the image): hashed names from the manifest, compressed."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage, with each file's URL worked out once per process.

    A visitor page names about fifteen static files, and each ``{% static %}`` looked its
    hashed name up and joined it to STATIC_URL again (a quarter of a page's template time).
    The manifest is read when the storage starts and does not change while the process runs,
    so a name's URL does not either.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        if settings.DEBUG or force:  # unhashed names while debugging, as Django gives them
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
