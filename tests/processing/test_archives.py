"""Zip uploads are checked before extraction and extracted with a byte budget."""

from __future__ import annotations

import struct
import time
import zipfile

import pytest

from heritage_sites.processing.archives import ArchiveLimits, check_archive, extract_archive
from heritage_sites.processing.errors import Rejected
from heritage_sites.processing.formats import UnsupportedFormat, detect_format

from .builders import CUBE_OBJ, make_zip

ZEROS = b"\0" * (1024 * 1024)


def _bomb(path, megabytes: int):
    # Streamed from a small buffer: the archive is built without ever holding the inflated data.
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("model.obj", "w") as entry,
    ):
        for _ in range(megabytes):
            entry.write(ZEROS)
    return path


def _rejected(path, dest, limits=None) -> Rejected:
    with pytest.raises(Rejected) as caught:
        extract_archive(path, dest, limits)
    return caught.value


def test_it_extracts_an_ordinary_zip(tmp_path):
    upload = make_zip(tmp_path / "u.zip", {"scan/model.obj": CUBE_OBJ, "scan/model.mtl": ""})
    files = extract_archive(upload, tmp_path / "out")
    assert sorted(p.name for p in files) == ["model.mtl", "model.obj"]
    assert (tmp_path / "out" / "scan" / "model.obj").read_text() == CUBE_OBJ


def test_it_refuses_a_zip_bomb_by_its_compression_ratio_before_extracting(tmp_path):
    upload = _bomb(tmp_path / "bomb.zip", 64)
    assert upload.stat().st_size < 1024 * 1024
    error = _rejected(upload, tmp_path / "out")
    assert error.code == "bomb"
    assert "zip bomb" in error.reason
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_zip_whose_declared_total_is_over_the_budget(tmp_path):
    upload = _bomb(tmp_path / "bomb.zip", 16)
    limits = ArchiveLimits(max_total_bytes=8 * 1024 * 1024, max_ratio=10_000)
    error = _rejected(upload, tmp_path / "out", limits)
    assert error.code == "bomb"
    assert "GiB" in error.reason


def test_the_streaming_counter_stops_a_bomb_that_lies_about_its_size(tmp_path):
    upload = _bomb(tmp_path / "liar.zip", 16)
    data = bytearray(upload.read_bytes())
    # Rewrite the uncompressed size in the local and central headers to 10 bytes.
    struct.pack_into("<I", data, 22, 10)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)
    upload.write_bytes(bytes(data))
    limits = ArchiveLimits(max_total_bytes=4 * 1024 * 1024, max_ratio=10_000)
    error = _rejected(upload, tmp_path / "out", limits)
    assert error.code in {"bomb", "corrupt_archive"}
    assert not (tmp_path / "out").exists()


def test_it_refuses_zip_slip_entries(tmp_path):
    for name in ["../../evil.obj", "/etc/cron.d/evil", "C:\\evil.obj", "..\\..\\evil.obj"]:
        upload = make_zip(tmp_path / "slip.zip", {"model.obj": CUBE_OBJ, name: "x"})
        error = _rejected(upload, tmp_path / "out")
        assert error.code == "path", name
        assert "outside the upload folder" in error.reason
    assert not list(tmp_path.parent.glob("evil.obj"))


def test_it_refuses_a_symlink_entry(tmp_path):
    link = zipfile.ZipInfo("texture.png")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr("model.obj", CUBE_OBJ)
        archive.writestr(link, "/etc/passwd")
    error = _rejected(tmp_path / "link.zip", tmp_path / "out")
    assert error.code == "symlink"
    assert "symbolic link" in error.reason


def test_it_refuses_a_nested_archive_by_name_and_by_content(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"model.obj": CUBE_OBJ}).read_bytes()
    by_name = make_zip(tmp_path / "a.zip", {"model.obj": CUBE_OBJ, "more.zip": inner})
    assert _rejected(by_name, tmp_path / "out").code == "nested_archive"
    disguised = make_zip(tmp_path / "b.zip", {"model.obj": CUBE_OBJ, "texture.png": inner})
    assert _rejected(disguised, tmp_path / "out").code == "nested_archive"


def test_it_refuses_an_encrypted_entry(tmp_path):
    upload = make_zip(tmp_path / "secret.zip", {"model.obj": CUBE_OBJ})
    data = bytearray(upload.read_bytes())
    # zipfile cannot encrypt: set the "encrypted" flag in the local and central headers.
    data[6] |= 0x1
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1
    upload.write_bytes(bytes(data))
    error = _rejected(tmp_path / "secret.zip", tmp_path / "out")
    assert error.code == "unsupported_archive"
    assert "encrypted" in error.reason


def test_it_refuses_an_exotic_compression_method(tmp_path):
    with zipfile.ZipFile(tmp_path / "lzma.zip", "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("model.obj", CUBE_OBJ)
    assert _rejected(tmp_path / "lzma.zip", tmp_path / "out").code == "unsupported_archive"


def test_it_refuses_an_entry_flood_from_the_directory_record_alone(tmp_path):
    upload = make_zip(tmp_path / "flood.zip", {"model.obj": CUBE_OBJ})
    data = bytearray(upload.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    # Claim a million entries, as a real flood's end record would.
    struct.pack_into("<HH", data, end + 8, 0xFFFF, 0xFFFF)
    upload.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(Rejected) as caught:
        check_archive(upload, ArchiveLimits())
    assert caught.value.code in {"too_many_members", "corrupt_archive"}
    assert time.monotonic() - started < 2


def test_it_refuses_more_entries_than_allowed(tmp_path):
    entries = {f"part{i}.txt": "" for i in range(60)}
    upload = make_zip(tmp_path / "many.zip", {"model.obj": CUBE_OBJ, **entries})
    error = _rejected(upload, tmp_path / "out", ArchiveLimits(max_entries=50))
    assert error.code == "too_many_members"
    assert "61 entries" in error.reason


def test_upload_sniffing_refuses_an_entry_flood_without_reading_entries(tmp_path):
    entries = {f"e{i}": "" for i in range(5001)}
    upload = make_zip(tmp_path / "flood.zip", {"model.obj": CUBE_OBJ, **entries})
    with pytest.raises(UnsupportedFormat, match="5,002 entries"):
        detect_format(upload)


def test_it_refuses_names_that_differ_only_in_case(tmp_path):
    upload = make_zip(tmp_path / "dup.zip", {"Model.obj": CUBE_OBJ, "model.OBJ": CUBE_OBJ})
    assert _rejected(upload, tmp_path / "out").code == "duplicate"


def test_it_reports_a_truncated_zip_as_damaged(tmp_path):
    upload = make_zip(tmp_path / "cut.zip", {"model.obj": CUBE_OBJ})
    upload.write_bytes(upload.read_bytes()[:-30])
    error = _rejected(upload, tmp_path / "out")
    assert error.code == "corrupt_archive"
    assert "damaged" in error.reason


def test_it_skips_macos_resource_forks(tmp_path):
    upload = make_zip(tmp_path / "mac.zip", {"model.obj": CUBE_OBJ, "__MACOSX/._model.obj": "junk"})
    files = extract_archive(upload, tmp_path / "out")
    assert [p.name for p in files] == ["model.obj"]


def test_a_flood_whose_end_record_understates_the_count_is_still_refused(tmp_path):
    entries = {f"e{i:06d}": "" for i in range(6000)}
    upload = make_zip(tmp_path / "flood.zip", {"model.obj": CUBE_OBJ, **entries})
    data = bytearray(upload.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 2, 2)  # claim two entries
    # Pad the directory size the way a million-entry archive would declare it.
    struct.pack_into("<I", data, end + 12, 60_000_000)
    upload.write_bytes(bytes(data))
    with pytest.raises(Rejected) as caught:
        check_archive(upload, ArchiveLimits())
    assert caught.value.code == "too_many_members"
