"""Where files live. Originals use the default (private) storage; derivatives the public one."""

from django.core.files.storage import Storage, storages
from django.utils.functional import LazyObject


class _PublicStorage(LazyObject):
    # Reached lazily: nothing touches S3 (or reads storage settings) at import time.
    def _setup(self) -> None:
        self._wrapped = storages["public"]


_public = _PublicStorage()


def public_storage() -> Storage:
    """Storage for derivatives: public, cacheable, immutable names."""
    return _public
