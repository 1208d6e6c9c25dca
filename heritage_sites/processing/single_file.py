"""Which uploads of one bare file carry all they need, and a plain refusal for those that don't.

A bare .obj is a whole model (its .mtl and textures only add colour: when they are missing
the report warns and the scan is shown in clay). A bare .gltf is whole only when its buffers
are embedded (``data:`` URIs); one that names .bin files cannot be read without them.
"""

from __future__ import annotations

from pathlib import Path

from heritage_sites.processing import formats
from heritage_sites.processing.errors import Rejected
from heritage_sites.processing.preflight_gltf import load_json


def single_file_problem(path: Path, fmt: str) -> str | None:
    """Why the upload at ``path`` cannot be processed on its own, or None when it can."""
    if fmt != formats.GLTF:
        return None
    try:
        doc = load_json(path.read_bytes(), what="glTF")
    except Rejected:
        return None  # a broken glTF: the pipeline says precisely what is wrong with it
    buffers = doc.get("buffers")
    external = []
    for buffer in buffers if isinstance(buffers, list) else []:
        uri = buffer.get("uri") if isinstance(buffer, dict) else None
        if isinstance(uri, str) and not uri.startswith("data:"):
            external.append(uri)
    if not isinstance(buffers, list) or not buffers:
        return (
            "This .gltf file holds no geometry (it has no buffers). Upload the .gltf together "
            "with its files in one .zip, or export a .glb."
        )
    if not external:
        return None
    names = ", ".join(str(name)[:80] for name in external[:3])
    return (
        f"This .gltf file keeps its geometry in separate files ({names}), which were not "
        "uploaded. Upload the .gltf together with its files in one .zip, or export a .glb."
    )
