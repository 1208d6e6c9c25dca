"""Check a zip upload before extracting anything, then extract it with a byte budget.

Every rule here is about the archive, not the model in it: how many entries, how large once
inflated (counted while streaming, never trusting the declared sizes), how compressed, where
each entry would land, and what kind of entry it is.
"""

from __future__ import annotations

import shutil
import stat
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from heritage_sites.processing.errors import Rejected, technical_detail

NESTED_SUFFIXES = (
    ".zip", ".7z", ".rar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".3mf", ".zae",
    ".kmz", ".usdz", ".jar", ".cab",
)  # fmt: skip
ALLOWED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
CHUNK = 1024 * 1024
# A central directory entry is 46 bytes plus its name and extras: 1 KB each is generous.
MAX_DIRECTORY_BYTES_PER_ENTRY = 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 5000
    max_total_bytes: int = 8 * 1024**3
    max_ratio: float = 200.0  # inflated / compressed, for entries above ratio_floor_bytes
    ratio_floor_bytes: int = 1024 * 1024


def is_resource_fork(name: str) -> bool:
    """True for the __MACOSX/._name copies macOS adds when it zips a folder."""
    lowered = name.lower()
    return lowered.startswith("__macosx/") or lowered.rsplit("/", 1)[-1].startswith("._")


def end_record(path: Path) -> tuple[int, int] | None:
    """(entry count, central directory bytes) from the end record, without parsing entries.

    Returns None when the record cannot be found (the archive is damaged).
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = max(0, size - (65536 + 22))
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            return None
        count, directory = struct.unpack_from("<HI", tail, at + 10)
        if count != 0xFFFF and directory != 0xFFFFFFFF:
            return count, directory
        # Zip64: the locator sits just before the classic record and points at the real one.
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
            return None
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        if offset >= size:
            return None
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != b"PK\x06\x06" or len(record) < 56:
            return None
        return struct.unpack_from("<QQ", record, 32)


def declared_entry_count(path: Path) -> int | None:
    """The entry count the end record declares, or None when the archive is damaged.

    A central directory far larger than that many entries need counts as that many entries:
    zipfile walks the directory by its size, not by the declared count.
    """
    record = end_record(path)
    if record is None:
        return None
    count, directory = record
    return max(count, directory // MAX_DIRECTORY_BYTES_PER_ENTRY)


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The entry name as path parts, or None when it would land outside the folder."""
    if "\x00" in name:
        return None
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return None
    parts = tuple(part for part in PurePosixPath(normal).parts if part not in ("", "."))
    if any(part == ".." for part in parts):
        return None
    return parts


def check_archive(path: Path, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """Return the entries worth extracting; raise Rejected if the archive breaks a rule."""
    count = declared_entry_count(path)
    if count is None:
        raise Rejected(
            "The zip archive is damaged (its table of contents is missing or truncated). "
            "Create the zip again and upload it.",
            code="corrupt_archive",
        )
    if count > limits.max_entries:
        raise Rejected(
            f"The zip holds {count:,} entries, more than the {limits.max_entries:,} allowed. "
            "Upload only the model, its material file and its textures.",
            code="too_many_members",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejected(
            "The zip archive is damaged and cannot be opened. Create it again.",
            code="corrupt_archive",
            detail=technical_detail(exc),
        ) from exc
    if len(infos) > limits.max_entries:
        raise Rejected(
            f"The zip holds {len(infos):,} entries, more than the {limits.max_entries:,} "
            "allowed. Upload only the model, its material file and its textures.",
            code="too_many_members",
        )
    kept: list[zipfile.ZipInfo] = []
    seen: dict[str, str] = {}
    declared_total = 0
    for info in infos:
        name = info.filename
        if is_resource_fork(name):
            continue
        parts = _safe_parts(name)
        if parts is None:
            raise Rejected(
                f"The zip entry {name!r} would be written outside the upload folder "
                "(absolute path or '..'). Zip the model's folder with relative names only.",
                code="path",
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise Rejected(
                f"The zip entry {name!r} is a symbolic link. Links are not accepted: put the "
                "real file in the zip.",
                code="symlink",
            )
        if info.flag_bits & 0x1:
            raise Rejected(
                f"The zip entry {name!r} is encrypted. Upload a zip without a password.",
                code="unsupported_archive",
            )
        if info.compress_type not in ALLOWED_METHODS:
            raise Rejected(
                f"The zip entry {name!r} uses a compression method this server does not "
                "read. Create the zip with ordinary (deflate) compression.",
                code="unsupported_archive",
            )
        if info.is_dir() or not parts:
            continue
        if name.lower().endswith(NESTED_SUFFIXES):
            raise Rejected(
                f"The zip contains another archive ({name}). Put the files themselves in one "
                "zip, without archives inside it.",
                code="nested_archive",
            )
        key = unicodedata.normalize("NFC", "/".join(parts)).casefold()
        if key in seen:
            raise Rejected(
                f"The zip holds two entries with the same name ({seen[key]!r} and {name!r}, "
                "ignoring case). Rename one of them.",
                code="duplicate",
            )
        seen[key] = name
        declared_total += info.file_size
        if declared_total > limits.max_total_bytes:
            raise Rejected(_too_big(limits), code="bomb")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise Rejected(_ratio_message(name, limits), code="bomb")
        kept.append(info)
    if not kept:
        raise Rejected("The zip is empty.", code="empty")
    return kept


def _too_big(limits: ArchiveLimits) -> str:
    gib = limits.max_total_bytes / 1024**3
    return (
        f"The zip would inflate to more than {gib:.3g} GiB, above this server's limit. "
        "Upload a lighter export or compressed textures."
    )


def _ratio_message(name: str, limits: ArchiveLimits) -> str:
    return (
        f"The zip entry {name!r} is compressed more than {limits.max_ratio:.0f} times, "
        "which real models never are; it looks like a zip bomb and was not extracted."
    )


def extract_archive(path: Path, dest: Path, limits: ArchiveLimits | None = None) -> list[Path]:
    """Check the archive, then extract it into ``dest`` counting every inflated byte.

    Returns the extracted file paths. On any rule broken while extracting, ``dest`` is
    removed and Rejected is raised.
    """
    limits = limits or ArchiveLimits()
    infos = check_archive(path, limits)
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    written: list[Path] = []
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in infos:
                parts = _safe_parts(info.filename)
                assert parts is not None  # checked above
                target = root.joinpath(*parts)
                if not target.resolve().is_relative_to(root):
                    raise Rejected(
                        f"The zip entry {info.filename!r} would be written outside the upload "
                        "folder. Zip the model's folder with relative names only.",
                        code="path",
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                entry_bytes = 0
                with archive.open(info) as source, target.open("xb") as out:
                    first = True
                    while chunk := source.read(CHUNK):
                        if first and chunk.startswith((b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf")):
                            raise Rejected(
                                f"The zip contains another archive ({info.filename}). Put the "
                                "files themselves in one zip, without archives inside it.",
                                code="nested_archive",
                            )
                        first = False
                        entry_bytes += len(chunk)
                        total += len(chunk)
                        if total > limits.max_total_bytes:
                            raise Rejected(_too_big(limits), code="bomb")
                        if entry_bytes > limits.ratio_floor_bytes and entry_bytes > (
                            limits.max_ratio * max(info.compress_size, 1)
                        ):
                            raise Rejected(_ratio_message(info.filename, limits), code="bomb")
                        out.write(chunk)
                written.append(target)
    except Rejected:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    except FileExistsError as exc:
        shutil.rmtree(dest, ignore_errors=True)
        # Named inside the zip: the server's own folder is nobody's business.
        where = Path(exc.filename or "")
        shown = where.relative_to(root).as_posix() if where.is_relative_to(root) else where.name
        raise Rejected(
            f"The zip holds the same file twice ({shown}). Rename one of them.",
            code="duplicate",
        ) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise Rejected(
            "The zip archive is damaged (a file in it does not match its checksum or is cut "
            "short) and could not be extracted. Create it again.",
            code="corrupt_archive",
            detail=technical_detail(exc),
        ) from exc
    return written
