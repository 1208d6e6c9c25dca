"""Every demo stand-in goes through the real scan pipeline and comes out ready."""

import pytest

from heritage_sites.demo import meshes
from heritage_sites.demo.fixtures import load_fixtures

pipeline = pytest.importorskip(
    "heritage_sites.processing.pipeline", reason="the scan pipeline has not landed yet"
)

CATALOGUE = {item["mesh"]: item["dimensions_mm"] for item in load_fixtures().artefacts}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_the_pipeline_makes_it_ready_at_its_catalogued_size(kind, tmp_path):
    height, width, depth = CATALOGUE[kind]
    mesh_file = meshes.build(kind, height_mm=height, width_mm=width, depth_mm=depth)
    source = tmp_path / mesh_file.filename
    source.write_bytes(mesh_file.data)
    options = pipeline.PipelineOptions(
        declared_unit="mm",
        catalogue_dimensions_mm=(height, width, depth),
        original_name=mesh_file.filename,
        make_turntable=False,
    )
    result = pipeline.run_pipeline(
        source, fmt=mesh_file.format, workdir=tmp_path / "out", options=options
    )
    assert result.state == "ready", result.reason
    assert {d.kind for d in result.derivatives} >= {"web", "poster"}
    if "catalogue_match" in result.report:
        assert result.report["catalogue_match"] is True
