"""Plain types shared by the pipeline's stages (no Django): what an upload is, what pre-flight
found, the options and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from heritage_sites.processing import formats

# The most faces this server processes, checked on declared counts before anything is parsed.
MAX_FACES = 20_000_000


@dataclass
class Upload:
    """The model file to read and the folder whose files count as the upload."""

    fmt: str
    main: Path
    root: Path

    @property
    def label(self) -> str:
        return formats.LABELS.get(self.fmt, self.fmt.upper())


@dataclass
class Preflight:
    warnings: list[dict] = field(default_factory=list)
    textures: list[dict] = field(default_factory=list)  # {"name", "width", "height"}
    info: dict = field(default_factory=dict)

    def warn(self, code: str, message: str) -> None:
        self.warnings.append({"code": code, "message": message})


@dataclass(frozen=True)
class PipelineOptions:
    declared_unit: str | None = None  # "mm" | "cm" | "m" | None (unknown)
    catalogue_dimensions_mm: tuple[float, float, float] | None = None  # height, width, depth
    time_limit_s: float = 870.0
    memory_limit_bytes: int = 8 * 1024**3
    original_name: str = ""
    make_turntable: bool = True
    # The pose set by a curator: one of pose.UP_AXES, or None to guess it from the file.
    up_axis: str | None = None
    quarter_turns: int = 0  # quarter turns about the up axis (pose.pose_matrix)


@dataclass(frozen=True)
class DerivativeFile:
    kind: str  # "web" | "lod" | "poster" | "turntable"
    path: Path
    content_type: str  # "model/gltf-binary", "image/webp", "image/png"
    faces: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class PipelineResult:
    state: str  # "ready" | "failed"
    reason: str  # "" when ready; one or two sentences for a curator when failed
    report: dict  # the validation report (JSON-serialisable), also when failed
    derivatives: list[DerivativeFile]
