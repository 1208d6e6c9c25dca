"""Every word of the pages is translated, by us, into every language of the museum."""

import os
import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

from heritage_sites.models import Artefact, HeritageSite, Licence, Scan
from heritage_sites.pages import build, labels

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _catalog(code: str) -> polib.POFile:
    path = build.LOCALE_DIR / to_locale(code) / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalog for {code} at {path}"
    return polib.pofile(str(path))


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_message_is_left_untranslated_or_fuzzy(code):
    catalog = _catalog(code)
    assert not catalog.metadata_is_fuzzy
    assert len(catalog) > 100
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    for entry in catalog:
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        strings = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | {"counter"}, (code, entry.msgid)


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_forms_follow_the_language(code):
    catalog = _catalog(code)
    forms = int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    for entry in catalog:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == forms, (code, entry.msgid)


def test_the_catalogs_are_compiled_and_used():
    with translation.override("ar"):
        assert translation.gettext("Silk Road Virtual Museum") == "متحف طريق الحرير الافتراضي"
    with translation.override("zh-hans"):
        assert translation.gettext("Featured artefacts") == "精选文物"


def test_the_shown_choice_labels_follow_the_models():
    shown = set(labels.SHOWN_CHOICE_LABELS)
    with translation.override(None):  # the msgids, not an earlier test's language
        for choices in (Artefact.ObjectType, HeritageSite.Category, Scan.Kind):
            assert {str(label) for label in choices.labels} <= shown, choices
        assert str(Licence.IN_COPYRIGHT.label) in shown


@pytest.mark.parametrize("code", ["en", "ar", "zh-hans"])
def test_a_choice_label_is_the_models_own_in_the_page_language(code):
    artefact = Artefact(object_type=Artefact.ObjectType.COIN, licence=Licence.IN_COPYRIGHT)
    with translation.override(code):
        for field in ("object_type", "licence"):
            wanted = getattr(artefact, f"get_{field}_display")()
            assert str(labels.choice_label(artefact, field)) == wanted, field
    artefact.object_type = "not-a-choice"
    assert labels.choice_label(artefact, "object_type") == "not-a-choice"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is absent")
def test_the_catalogs_hold_every_message_of_the_pages(tmp_path):
    """Extract the pages' messages again (as the README's command does) and compare."""
    done = subprocess.run(
        ["bash", str(build.ROOT / "locale" / "extract.sh"), str(tmp_path)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    fresh = {entry.msgid for entry in polib.pofile(str(tmp_path / "django.pot"))}
    assert fresh - {entry.msgid for entry in _catalog("ar")} == set()
