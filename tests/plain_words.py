"""One check, used by every test of a refusal: the reason is in plain words.

A curator reads ``failure_reason`` and the upload's 400 message; a library's own text
(``ValueError: PLY is unexpected length!``), an exception's name, Python's notation for
objects or a path on the server means nothing to them and leaks how the server is built.
"""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

JARGON_WORDS = (
    "Traceback",
    "Error:",
    "Exception:",
    "Warning:",
    "BadZipFile",
    "StopIteration",
    "numpy",
    "np.",
    "trimesh",
    "scipy",
    "embree",
    "Pillow",
    "PIL.",
    "zipfile",
    "dtype",
    "ndarray",
    "C int",
    "C long",
    "unexpected length",
    "buffer size",
    "NoneType",
    "site-packages",
    "errno",
)
JARGON_PATTERNS = (
    # Exception class names: ValueError, KeyError, DecompressionBombWarning...
    re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b"),
    # Python's notation for objects: <PIL.Image object at 0x...>, <class 'x'>, array(...).
    re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>"),
    re.compile(r"<(class|function|module|built-in) "),
    re.compile(r"\b(array|dtype|tuple|dict|set|frozenset)\("),
    re.compile(r"\{'[^']*': "),
    re.compile(r"\bb'[^']*'"),
    # Traceback lines and source files: 'File "x.py", line 3', module.py:12, /srv/app/x.py.
    re.compile(r'File "[^"]*", line \d+'),
    re.compile(r"\w\.py\b"),
    # Absolute paths of this server (the hostile file's own references may be echoed back:
    # "/etc/passwd" names what the file asked for, not where the server keeps anything).
    re.compile(r"(^|[\s'\"(=])/(tmp|work|home|usr|var|opt|srv|root|app)/"),
)
# "../../../../app/settings.py" is a hostile zip entry's own name, quoted back to the curator.
QUOTED_ENTRY = re.compile(r"'[^']*'")


def jargon_in(text: str, *, server_paths: tuple[str | Path, ...] = ()) -> list[str]:
    """What in ``text`` a curator should never read (empty when it is plain)."""
    found = [word for word in JARGON_WORDS if word in text]
    unquoted = QUOTED_ENTRY.sub("'...'", text)
    found += [p.pattern for p in JARGON_PATTERNS if p.search(unquoted)]
    for path in (REPOSITORY, *server_paths):
        if str(path) and str(path) in text:
            found.append(f"server path {path}")
    return found


def assert_plain(text: str, *, server_paths: tuple[str | Path, ...] = ()) -> None:
    """Fail unless ``text`` is a non-empty reason in plain words (see ``jargon_in``)."""
    assert text and text.strip(), "the reason is empty"
    found = jargon_in(text, server_paths=server_paths)
    assert not found, f"library jargon {found} in the reason: {text!r}"
