"""The collected static files' storage: hashed URLs from the manifest, each worked out once."""

import json

import pytest

from heritage_sites.storage.static import ManifestStaticFilesStorage


def _storage(tmp_path) -> ManifestStaticFilesStorage:
    manifest = {"version": "1.1", "paths": {"museum/site.css": "museum/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_it_gives_the_hashed_url_of_the_manifest_every_time(tmp_path, settings):
    settings.DEBUG = False
    storage = _storage(tmp_path)
    assert storage.url("museum/site.css") == "/static/museum/site.0123abcd.css"
    assert storage.url("museum/site.css") == "/static/museum/site.0123abcd.css"


def test_it_refuses_a_name_missing_from_the_manifest_each_time(tmp_path, settings):
    settings.DEBUG = False
    storage = _storage(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("museum/missing.css")


def test_it_gives_unhashed_names_while_debugging(tmp_path, settings):
    storage = _storage(tmp_path)
    settings.DEBUG = False
    storage.url("museum/site.css")
    settings.DEBUG = True
    assert storage.url("museum/site.css") == "/static/museum/site.css"
