"""A real S3 endpoint for tests: moto's standalone server in a child process on a free port.

Used by the object-storage tests (which run in the default suite) and by the integration
suite. moto speaks the S3 protocol and enforces bucket policies for anonymous requests; it
does not check signatures or their expiry, so tests assert those from the URL itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    process: subprocess.Popen
    endpoint: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_s3_server(log_path: Path | None = None) -> S3Server:
    port = free_port()
    log = log_path.open("wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MOTO_CALL_RESET_API": "false"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with code {process.returncode}")
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1)
            return S3Server(process=process, endpoint=endpoint)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not answer within 30 s")


def s3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="museum-test",
        aws_secret_access_key="museum-test-secret",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def create_museum_bucket(endpoint: str, bucket: str) -> None:
    """The bucket as docker-compose's init job sets it up: public/ readable by anyone."""
    client = s3_client(endpoint)
    client.create_bucket(Bucket=bucket)
    client.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/public/*",
                    }
                ],
            }
        ),
    )


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment variables that point the museum at this server and bucket."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_PUBLIC_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "museum-test",
        "S3_SECRET_ACCESS_KEY": "museum-test-secret",
    }
