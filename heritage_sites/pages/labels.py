"""Words of the pages that come from the models' choices, and years for people.

The choice labels are written in models.py with gettext_lazy; the pages' catalogs are built
from the pages' own code and templates, so the labels the pages show are listed here once more
with gettext_noop (same msgids: ``get_object_type_display()`` then comes out translated). A
test checks that this list follows the models.
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

SHOWN_CHOICE_LABELS = (
    # Artefact.ObjectType
    gettext_noop("Vessel"),
    gettext_noop("Coin"),
    gettext_noop("Stele or inscription"),
    gettext_noop("Sculpture"),
    gettext_noop("Figurine"),
    gettext_noop("Textile"),
    gettext_noop("Manuscript"),
    gettext_noop("Painting or mural"),
    gettext_noop("Tile"),
    gettext_noop("Jewellery"),
    gettext_noop("Weapon"),
    gettext_noop("Tool or instrument"),
    gettext_noop("Architectural element"),
    gettext_noop("Other"),
    # HeritageSite.Category
    gettext_noop("Cultural"),
    gettext_noop("Natural"),
    gettext_noop("Mixed"),
    # Scan.Kind
    gettext_noop("As-found scan"),
    gettext_noop("Virtual restoration"),
    gettext_noop("Hypothetical reconstruction"),
    # Licence
    gettext_noop("In Copyright"),
)


@cache
def _choice_labels(model: type[models.Model], field: str) -> dict[str, str | Promise]:
    # The lazy labels themselves: each comes out in the language of the page that shows it.
    return dict(model._meta.get_field(field).flatchoices)


def choice_label(obj: models.Model, field: str) -> str | Promise:
    """What ``obj.get_<field>_display()`` gives, from a table built once per field (Django
    builds a dict of the field's choices on each call, translating every label to hash it)."""
    value = getattr(obj, field)
    return _choice_labels(type(obj), field).get(value, value)


def year_label(value: int | None) -> str:
    """-200 -> '200 BCE', 618 -> '618 CE' (in the visitor's language)."""
    if value is None:
        return ""
    if value < 0:
        return gettext("%(year)s BCE") % {"year": -value}
    return gettext("%(year)s CE") % {"year": value}


def span_label(start: int | None, end: int | None) -> str:
    """A dating or a period: one year, a range, or an open end."""
    if start is None and end is None:
        return ""
    if start is None:
        return gettext("until %(year)s") % {"year": year_label(end)}
    if end is None:
        return gettext("from %(year)s") % {"year": year_label(start)}
    if start == end:
        return year_label(start)
    return gettext("%(start)s to %(end)s") % {"start": year_label(start), "end": year_label(end)}
