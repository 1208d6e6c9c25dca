"""Shared steps of the hostile-input tests: run the pipeline, assert its final state."""

from __future__ import annotations

from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline
from tests.plain_words import assert_plain


def run(path, tmp_path):
    options = PipelineOptions(make_turntable=False)
    return run_pipeline(path, fmt=None, workdir=tmp_path / "out", options=options)


def assert_failed(result, codes: str | set[str], *words: str) -> None:
    """Failed, with one of ``codes`` in the report, the ``words`` in a plain reason."""
    codes = {codes} if isinstance(codes, str) else codes
    assert result.state == "failed", result
    found = {error["code"] for error in result.report["errors"]}
    assert found & codes, (found, result.reason)
    for word in words:
        assert word in result.reason, result.reason
    assert_plain(result.reason)
    assert not result.derivatives


def assert_ready(result) -> None:
    assert result.state == "ready", result.reason
    assert {"web", "poster"} <= {item.kind for item in result.derivatives}
