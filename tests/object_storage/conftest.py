"""Point the museum's storages at a fresh bucket on a real S3 server (moto) for each test."""

import importlib
import os
import uuid
from unittest import mock

import pytest
from django.utils.functional import empty

from heritage_sites import storage
from tests.s3server import create_museum_bucket, s3_client, s3_environment, start_s3_server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = start_s3_server(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """Settings as production computes them from S3_* variables, on a new bucket."""
    bucket = f"museum-{uuid.uuid4().hex[:12]}"
    create_museum_bucket(s3_server.endpoint, bucket)
    names = (
        "STORAGE_BACKEND",
        "STORAGES",
        "S3_PUBLIC_ENDPOINT_URL",
        "S3_PRESIGNED_EXPIRY_SECONDS",
        "S3_UPLOAD_EXPIRY_SECONDS",
    )
    import museum.settings

    with mock.patch.dict(os.environ, s3_environment(s3_server.endpoint, bucket)):
        computed = {name: getattr(importlib.reload(museum.settings), name) for name in names}
    importlib.reload(museum.settings)  # back to the environment the session started with
    for name, value in computed.items():
        setattr(settings, name, value)
    storage._public._wrapped = empty
    yield s3_client(s3_server.endpoint), bucket
    storage._public._wrapped = empty
