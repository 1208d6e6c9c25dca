"""inspect_scan runs the sandboxed pipeline on local files and never touches the database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from .builders import CUBE_OBJ, binary_stl, small_png, tetrahedron, write


def inspect(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("inspect_scan", *map(str, args), stdout=out)
    except SystemExit as exit:
        return out.getvalue(), exit.code
    return out.getvalue(), 0


def test_it_prints_one_json_object_per_file(tmp_path):
    good = write(tmp_path / "tetra.stl", binary_stl(tetrahedron()))
    bad = write(tmp_path / "notes.txt", "not a model")
    output, code = inspect(good, bad, "--json", "--no-turntable", "--out", tmp_path / "out")
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["state"] for line in lines] == ["ready", "failed"]
    assert code == 1
    ready, failed = lines
    assert set(ready) == {"file", "state", "reason", "report", "derivatives"}
    assert ready["report"]["faces"] == 4
    kinds = {item["kind"] for item in ready["derivatives"]}
    assert {"web", "poster"} <= kinds
    for item in ready["derivatives"]:
        assert item["path"].startswith(str(tmp_path / "out"))
        assert item["bytes"] > 0
    assert "The museum accepts" in failed["reason"]


def test_a_local_obj_uses_the_files_in_its_folder(tmp_path):
    folder = tmp_path / "scan"
    write(
        folder / "vase.obj",
        "mtllib vase.mtl\nusemtl glaze\n" + CUBE_OBJ.replace("f ", "vt 0 0\nf ", 1),
    )
    write(folder / "vase.mtl", "newmtl glaze\nmap_Kd glaze.png\n")
    write(folder / "glaze.png", small_png())
    output, code = inspect(folder / "vase.obj", "--json", "--no-turntable", "--out", tmp_path / "o")
    outcome = json.loads(output)
    assert code == 0, outcome["reason"]
    assert outcome["report"]["textures"] == [{"name": "glaze.png", "width": 8, "height": 8}]


def test_a_local_obj_cannot_reach_outside_its_folder(tmp_path):
    write(tmp_path / "secret.png", small_png())
    folder = tmp_path / "scan"
    write(folder / "vase.obj", "mtllib vase.mtl\n" + CUBE_OBJ)
    write(folder / "vase.mtl", "newmtl glaze\nmap_Kd ../secret.png\n")
    output, code = inspect(folder / "vase.obj", "--json", "--out", tmp_path / "o")
    assert code == 1
    assert "outside the upload" in json.loads(output)["reason"]


def test_the_human_output_names_outcome_report_and_derivatives(tmp_path):
    good = write(tmp_path / "tetra.stl", binary_stl(tetrahedron()))
    output, code = inspect(good, "--unit", "cm", "--no-turntable", "--out", tmp_path / "out")
    assert code == 0
    assert f"{good}: ready" in output
    assert "faces: 4" in output
    assert "extents (mm): 100.0 x 100.0 x 100.0" in output
    assert "poster: " in output


@pytest.mark.django_db
def test_it_leaves_the_database_alone(tmp_path, django_assert_num_queries):
    good = write(tmp_path / "tetra.stl", binary_stl(tetrahedron()))
    with django_assert_num_queries(0):
        inspect(good, "--json", "--no-turntable", "--out", tmp_path / "out")


def test_a_local_gltf_reads_its_buffer_from_its_folder(tmp_path):
    import base64

    from .builders import triangle_gltf

    doc = triangle_gltf()
    data = base64.b64decode(doc["buffers"][0]["uri"].split(",", 1)[1])
    doc["buffers"][0]["uri"] = "tri%20angle.bin"  # URIs are percent-encoded
    folder = tmp_path / "model"
    write(folder / "tri angle.bin", data)
    write(folder / "tri.gltf", json.dumps(doc))
    output, code = inspect(folder / "tri.gltf", "--json", "--no-turntable", "--out", tmp_path / "o")
    outcome = json.loads(output)
    assert code == 0, outcome["reason"]
    assert outcome["report"]["faces"] == 1
    assert outcome["report"]["unit"] == "m"
