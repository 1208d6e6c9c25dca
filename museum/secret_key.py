"""The embedded default's secret key: made once per installation, kept in the data folder.

Production passes its key in ``DJANGO_SECRET_KEY`` (or a file named by
``DJANGO_SECRET_KEY_FILE``). A museum started with neither on one machine gets a random key
the first time it starts, written next to its database with owner-only permissions, and
reads the same key at every later start: links and sessions survive a restart, and no two
installations share a key.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret_key"


def installation_secret_key(data_dir: Path) -> str:
    """The key kept in ``data_dir``, generated there on first use.

    Several processes may start at once (``runmuseum`` starts a web server and a worker):
    the key is written to a private temporary file and published with ``os.link``, which
    fails if the file exists, so all of them read the one key that won, never a half-written
    one.
    """
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        _publish_new_key(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(
            f"The secret key file {path} is damaged (shorter than 50 characters). Delete it "
            "to have a new key generated (signed-in sessions and download links then end)."
        )
    return key


def _publish_new_key(path: Path) -> None:
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600, whatever the umask.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(64) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # If another process published its key first, everyone uses that one.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
