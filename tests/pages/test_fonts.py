"""Each page links the fonts of its own script only, and the language menu draws with faces of
just its letters (built by build_frontend)."""

import re

import pytest

from heritage_sites.pages import build

FONTS = build.BUILD_DIR / "fonts"
FACE = re.compile(r"@font-face\s*{([^}]*)}")


def _faces(sheet: str) -> list[str]:
    return FACE.findall((FONTS / f"{sheet}.css").read_text(encoding="utf-8"))


def _family(face: str) -> str:
    return re.search(r"font-family:\s*'([^']+)'", face).group(1)


@pytest.mark.parametrize(
    ("sheet", "script_family"),
    [("latin", None), ("arabic", "Noto Sans Arabic"), ("han", "Noto Sans SC")],
)
def test_a_script_sheet_holds_latin_its_script_and_the_menu(sheet, script_family):
    families = {_family(face) for face in _faces(sheet)}
    assert families == {"Noto Sans", build.MENU_FONT_FAMILY} | (
        {script_family} if script_family else set()
    )


def test_the_menu_faces_draw_every_letter_of_the_menu_and_only_those():
    letters = {ord(char) for char in build.menu_text() if not char.isspace()}
    drawn = set()
    for face in _faces("latin"):
        if _family(face) != build.MENU_FONT_FAMILY:
            continue
        (file,) = re.findall(r"url\(\./files/([^)]+)\)", face)
        assert (FONTS / "files" / file).stat().st_size < 8_000, file
        ranges = re.search(r"unicode-range:\s*([^;]+);", face).group(1)
        drawn |= {int(part.strip().removeprefix("U+"), 16) for part in ranges.split(",")}
    assert drawn == letters


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sheet"),
    [("en", "latin"), ("ru", "latin"), ("ar", "arabic"), ("fa", "arabic"), ("zh-hans", "han")],
)
def test_a_page_links_the_font_sheet_of_its_language(client, language, sheet):
    page = client.get(f"/{language}/").content.decode()
    assert f"/static/vendor/fonts/{sheet}.css" in page
    assert "/fonts.css" not in page


def _range(face: str) -> set[int]:
    return build._codepoints(re.search(r"unicode-range:\s*([^;]+);", face).group(1))


def _file(face: str) -> str:
    return re.search(r"url\(\./files/([^)]+)\)", face).group(1)


@pytest.mark.parametrize(
    ("sheet", "font", "subset"),
    [("arabic", "noto-sans-arabic", "arabic"), ("latin", "noto-sans", "latin-ext")],
)
@pytest.mark.parametrize("weight", build.FONT_WEIGHTS)
def test_a_split_face_draws_its_frequent_letters_from_a_small_file_and_loses_none(
    sheet, font, subset, weight
):
    stem = f"{font}-{subset}-{weight}-normal"
    faces = {_file(face): face for face in _faces(sheet)}
    frequent, rest = faces[f"{stem}-frequent.woff"], faces[f"{stem}.woff2"]
    published = (build.NODE_MODULES / "@fontsource" / font / f"{weight}.css").read_text()
    (whole,) = [face for face in FACE.findall(published) if f"{stem}.woff2" in face]
    assert _range(frequent) | _range(rest) == _range(whole)
    # Disjoint: a letter in both ranges makes the browser download both files.
    assert not _range(frequent) & _range(rest)
    assert (FONTS / "files" / f"{stem}-frequent.woff").stat().st_size < 30_000
    # The frequent part lists first: the browser tries the faces of a family in order.
    assert list(faces).index(f"{stem}-frequent.woff") < list(faces).index(f"{stem}.woff2")
