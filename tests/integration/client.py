"""What a curator's client does over HTTP: direct upload to S3, then read the scan back."""

from __future__ import annotations

import hashlib
import io
import time

import requests

from tests.conftest import CORPUS


def corpus_or_generated_mesh(
    name: str = "fertility.off", *, seed: int = 0, subdivisions: int = 5
) -> tuple[str, bytes]:
    """A real scan from ../shared/corpus when present; otherwise a mesh built here.

    ``subdivisions`` sets the size of a built mesh: 5 is 20k faces, 7 is 328k faces (a few
    seconds in the pipeline, long enough to be interrupted).
    """
    path = CORPUS / "scans" / name
    if seed == 0 and path.exists():
        return name, path.read_bytes()
    import trimesh

    mesh = trimesh.creation.icosphere(subdivisions=subdivisions, radius=40.0 + seed)
    mesh.apply_translation([seed * 0.5, 0, 0])
    return f"generated-{seed}.ply", trimesh.exchange.ply.export_ply(mesh, encoding="binary")


class Curator:
    def __init__(self, web_url: str, token: str) -> None:
        self.web_url = web_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def upload(self, *, artefact_id, filename: str, content: bytes) -> requests.Response:
        started = self.session.post(
            f"{self.web_url}/api/v1/scan-uploads/",
            json={
                "artefact": str(artefact_id),
                "filename": filename,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "capture_method": "laser",
                "unit": "mm",
            },
            timeout=30,
        )
        assert started.status_code == 201, started.text
        body = started.json()
        stream = io.BytesIO(content)
        for part in body["parts"]:
            stream.seek((part["part_number"] - 1) * body["part_size"])
            sent = requests.put(part["url"], data=stream.read(body["part_size"]), timeout=60)
            assert sent.status_code == 200, sent.text
        return self.session.post(
            f"{self.web_url}/api/v1/scan-uploads/complete/",
            json={"upload_token": body["upload_token"]},
            timeout=120,
        )

    def original_link(self, scan_public_id) -> requests.Response:
        return self.session.get(
            f"{self.web_url}/api/v1/scan-originals/{scan_public_id}/", timeout=30
        )


def wait_final(scan_model, scan_id: int, *, timeout: float = 300):
    """Poll the database until the scan is ready or failed; return it (or the stuck row)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scan = scan_model.objects.get(pk=scan_id)
        if scan.state in ("ready", "failed"):
            return scan
        time.sleep(0.5)
    return scan_model.objects.get(pk=scan_id)
