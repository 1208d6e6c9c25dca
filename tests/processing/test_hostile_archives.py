"""Archive rows (16-25) of HOSTILE-INPUTS.md, through the whole pipeline: final state ``failed``
with a plain reason, nothing written outside the work folder. The table of every row is in
test_hostile_inputs.py; test_archives.py checks the archive rules themselves.
"""

from __future__ import annotations

import struct
import time
import zipfile

import pytest

from .builders import CUBE_OBJ, make_zip, write
from .hostile import assert_failed, run

# Archives (rows 16-25) ------------------------------------------------------------------


def _symlink_zip(tmp_path):
    link = zipfile.ZipInfo("texture.png")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr("model.obj", CUBE_OBJ)
        archive.writestr(link, "/etc/passwd")
    return tmp_path / "link.zip"


def _encrypted_zip(tmp_path):
    upload = make_zip(tmp_path / "secret.zip", {"model.obj": CUBE_OBJ})
    data = bytearray(upload.read_bytes())
    # zipfile cannot encrypt: set the "encrypted" flag in the local and central headers.
    data[6] |= 0x1
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1
    return write(upload, bytes(data))


def _lzma_zip(tmp_path):
    with zipfile.ZipFile(tmp_path / "lzma.zip", "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("model.obj", CUBE_OBJ)
    return tmp_path / "lzma.zip"


ARCHIVE_RULES = {
    "nested": (
        lambda t: make_zip(t / "a.zip", {"model.obj": CUBE_OBJ, "inner.zip": b"PK\x03\x04"}),
        "nested_archive",
        "another archive",
    ),
    "symlink": (_symlink_zip, "symlink", "symbolic link"),
    "duplicate": (
        lambda t: make_zip(t / "d.zip", {"Model.obj": CUBE_OBJ, "model.OBJ": CUBE_OBJ}),
        "duplicate",
        "same name",
    ),
    "encrypted": (_encrypted_zip, "unsupported_archive", "without a password"),
    "lzma": (_lzma_zip, "unsupported_archive", "ordinary (deflate) compression"),
}


@pytest.mark.parametrize("rule", sorted(ARCHIVE_RULES))
def test_archive_rules_end_the_scan_failed(tmp_path, rule):
    build, code, words = ARCHIVE_RULES[rule]
    assert_failed(run(build(tmp_path), tmp_path), code, words)


@pytest.mark.parametrize(
    "name", ["../../../../app/settings.py", "/etc/cron.d/x", "C:\\evil", "..\\..\\x"]
)
def test_a_zip_slip_entry_fails_and_writes_nothing_outside(tmp_path, name):
    upload = make_zip(tmp_path / "slip.zip", {"model.obj": CUBE_OBJ, name: "x"})
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    assert_failed(run(upload, tmp_path), "path", "outside the upload folder")
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["slip.zip"]


def test_an_entry_flood_fails_quickly_without_reading_entries(tmp_path):
    upload = make_zip(tmp_path / "flood.zip", {"model.obj": CUBE_OBJ})
    data = bytearray(upload.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    # A flood's end record: tens of thousands of entries, a directory of 60 MB.
    struct.pack_into("<HHI", data, end + 8, 65_000, 65_000, 60_000_000)
    started = time.monotonic()
    result = run(write(upload, bytes(data)), tmp_path)
    assert time.monotonic() - started < 2
    assert_failed(result, {"unsupported_format", "too_many_members"}, "entries")


def test_an_overlapping_entry_zip_fails_as_damaged(tmp_path):
    # Two directory entries that share one compressed kernel (Fifield's construction).
    upload = make_zip(tmp_path / "overlap.zip", {"a.obj": CUBE_OBJ * 50})
    data = upload.read_bytes()
    central = data.rfind(b"PK\x01\x02")
    end = data.rfind(b"PK\x05\x06")
    entry = bytearray(data[central:end])
    entry[46 : 46 + 5] = b"b.obj"  # same offset, another name
    record = bytearray(data[end:])
    struct.pack_into("<HHI", record, 8, 2, 2, 2 * len(entry))
    struct.pack_into("<I", record, 16, central)
    write(upload, data[:end] + bytes(entry) + bytes(record))
    result = run(upload, tmp_path)
    assert_failed(result, {"corrupt_archive", "bomb", "duplicate"}, "zip")


def _corrupt(kind: str, tmp_path):
    upload = make_zip(tmp_path / "bad.zip", {"model.obj": CUBE_OBJ * 40})
    data = bytearray(upload.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    if kind == "crc":
        data[14] ^= 0xFF  # the local header's CRC-32
        data[central + 16] ^= 0xFF  # and the directory's, so that both agree and lie
    elif kind == "truncated":
        data = data[:-30]
    elif kind == "size_lie":
        struct.pack_into("<I", data, 22, 10)  # uncompressed size: 10 bytes
        struct.pack_into("<I", data, central + 24, 10)
    return write(upload, bytes(data))


@pytest.mark.parametrize("kind", ["crc", "truncated", "size_lie"])
def test_a_corrupt_zip_fails_in_plain_words(tmp_path, kind):
    result = run(_corrupt(kind, tmp_path), tmp_path)
    assert_failed(result, {"corrupt_archive", "unsupported_format"}, "damaged")
