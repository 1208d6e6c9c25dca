"""Ingest: an upload becomes one stored original and one queued scan, or a clear refusal."""

import hashlib
import io
import json
import struct

import pytest

from heritage_sites.models import Scan
from heritage_sites.services.scans import ScanRejected, scan_upload
from tests.factories import TETRAHEDRON_OFF, ArtefactFactory, HeritageSiteFactory
from tests.plain_words import assert_plain

pytestmark = pytest.mark.django_db


def binary_stl(triangles: int) -> bytes:
    facet = struct.pack("<12fH", *([0.0] * 3), 0, 0, 0, 1, 0, 0, 0, 1, 0, 0)
    return b"\0" * 80 + struct.pack("<I", triangles) + facet * triangles


def upload(content: bytes, filename: str = "scan.off", **kwargs):
    kwargs.setdefault("artefact", ArtefactFactory())
    return scan_upload(
        file=io.BytesIO(content), filename=filename, capture_method="laser", **kwargs
    )


def test_it_stores_the_original_once_and_queues_the_scan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = upload(TETRAHEDRON_OFF, unit="mm")
    scan = Scan.objects.get()
    assert result.created and result.scan == scan
    assert scan.state == Scan.State.QUEUED and scan.queued_at is not None
    assert scan.format == Scan.Format.OFF
    assert scan.byte_size == len(TETRAHEDRON_OFF)
    assert scan.sha256 == hashlib.sha256(TETRAHEDRON_OFF).hexdigest()
    with scan.original.open("rb") as stored:
        assert stored.read() == TETRAHEDRON_OFF
    assert len(callbacks) == 1, "processing is enqueued after commit, once"


def test_it_detects_the_format_from_the_bytes_not_the_name():
    result = upload(binary_stl(2), filename="looks-like-a.ply")
    assert result.scan.format == Scan.Format.STL
    assert result.scan.original.name.endswith("/original.stl")


def test_identical_bytes_for_the_same_artefact_return_the_existing_scan():
    artefact = ArtefactFactory()
    first = upload(TETRAHEDRON_OFF, artefact=artefact)
    second = upload(TETRAHEDRON_OFF, filename="again.off", artefact=artefact)
    assert not second.created and second.scan == first.scan
    assert Scan.objects.count() == 1


def test_the_same_bytes_for_another_artefact_make_a_new_scan():
    upload(TETRAHEDRON_OFF)
    upload(TETRAHEDRON_OFF)
    assert Scan.objects.count() == 2


def test_a_site_can_have_scans_too():
    result = upload(TETRAHEDRON_OFF, artefact=None, site=HeritageSiteFactory())
    assert result.scan.site is not None and result.scan.artefact is None


def test_it_refuses_a_file_over_the_limit_and_leaves_nothing_behind(settings):
    settings.SCAN_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ScanRejected, match="larger than the upload limit") as error:
        upload(binary_stl(40))
    assert_plain(error.value.messages[0])
    assert not Scan.objects.exists()
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


def test_it_refuses_an_empty_file():
    with pytest.raises(ScanRejected, match="empty") as error:
        upload(b"")
    assert_plain(error.value.messages[0])
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    ("content", "filename", "hint"),
    [
        (b"<html><script>alert(1)</script></html>", "model.glb", "accepts OBJ"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "texture.stl", "accepts OBJ"),
        (b'{"asset": {"version": "2.0"}}', "model.gltf", "in one .zip"),
    ],
)
def test_it_refuses_what_it_cannot_read_and_says_what_it_accepts(content, filename, hint):
    with pytest.raises(ScanRejected) as error:
        upload(content, filename=filename)
    assert hint in error.value.messages[0]
    assert_plain(error.value.messages[0])
    assert not Scan.objects.exists()


def test_a_bare_obj_is_accepted_as_the_pipeline_reads_it():
    # Its materials and textures are optional: when missing, the report warns.
    result = upload(b"mtllib gone.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", filename="m.obj")
    assert result.created and result.scan.format == Scan.Format.OBJ
    assert result.scan.original.name.endswith("/original.obj")


def test_a_gltf_with_embedded_buffers_is_accepted_and_one_naming_bin_files_is_not():
    embedded = json.dumps(
        {"asset": {"version": "2.0"}, "buffers": [{"uri": "data:,", "byteLength": 0}]}
    ).encode()
    assert upload(embedded, filename="model.gltf").scan.format == Scan.Format.GLTF
    external = json.dumps(
        {"asset": {"version": "2.0"}, "buffers": [{"uri": "model.bin", "byteLength": 36}]}
    ).encode()
    with pytest.raises(ScanRejected, match=r"model\.bin.*one \.zip"):
        upload(external, filename="other.gltf")
    assert Scan.objects.count() == 1


def test_the_display_name_is_cleaned_but_never_used_as_a_key():
    result = upload(TETRAHEDRON_OFF, filename="../../evil\u202egpj.off")
    scan = result.scan
    assert scan.original_filename == "evilgpj.off"
    assert scan.original.name == f"scans/{scan.public_id}/original/original.off"


@pytest.mark.parametrize(
    "content, filename, what",
    [
        (b"<html><script>alert(1)</script></html>", "model.glb", "an HTML web page"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64 + b"<html><script>x()</script>", "p.stl", "a PNG image"),
        (b"%PDF-1.4\n" + b"\0" * 200, "scan.ply", "a PDF document"),
    ],
)
def test_a_polyglot_or_renamed_file_is_refused_for_what_it_is(content, filename, what):
    # HOSTILE-INPUTS row 7: refused by its magic number, never stored.
    with pytest.raises(ScanRejected) as error:
        upload(content, filename=filename)
    assert f"it looks like {what}." in error.value.messages[0]
    assert_plain(error.value.messages[0])
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "filename",
    [
        "../../x.off",
        "scan.glb%00.php",
        "a" * 10_000 + ".off",
        "evil\u202egpj.off",
        "two\r\nlines.off",
        '<img src=x onerror="alert(1)">.off',
    ],
)
def test_a_hostile_filename_is_only_a_display_name(filename, settings):
    # HOSTILE-INPUTS row 6: the key is the scan's UUID, the display name is cleaned and
    # capped, and the valid file inside still ends ready.
    from heritage_sites.services.scan_processing import scan_process

    settings.SCAN_SOFT_TIME_LIMIT = 150
    scan = upload(TETRAHEDRON_OFF, filename=filename, unit="mm").scan
    assert scan.original.name == f"scans/{scan.public_id}/original/original.off"
    assert len(scan.original_filename) <= 255
    assert "/" not in scan.original_filename and "\r" not in scan.original_filename
    assert "\u202e" not in scan.original_filename
    scan_process(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.state == Scan.State.READY, scan.failure_reason
