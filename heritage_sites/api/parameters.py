"""Query parameters: each view says which it reads, and anything else is a 400 that names them.

A client that misspells a filter (``?countr=UZ``) or follows another API's conventions
(``?updated_after=``, ``?fields=``) would otherwise get the unfiltered list without a word.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


def refuse_unknown(request, known: set[str], may_be_empty: frozenset[str] = frozenset()) -> None:
    """A 400 for parameters the endpoint does not read, and for empty values of parameters
    that take a number, a date, a flag or a choice (an empty text filter filters nothing)."""
    empty = sorted(
        name
        for name in set(request.query_params) & known
        if name not in may_be_empty and not request.query_params.get(name, "").strip()
    )
    if empty:
        raise ValidationError(
            {name: ["This parameter is empty: give a value or leave it out."] for name in empty}
        )
    unknown = sorted(set(request.query_params) - known)
    if not unknown:
        return
    names = ", ".join(sorted(known))
    errors = {}
    for name in unknown[:10]:
        if name == "format":
            message = (
                "The API answers JSON only here; `format` is not a parameter. Send an Accept "
                f"header to choose a representation. Parameters of this endpoint: {names}."
            )
        else:
            message = f"Unknown parameter. Parameters of this endpoint: {names}."
        errors[name[:50]] = [message]
    raise ValidationError(errors)


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class AcceptHeaderNegotiation(DefaultContentNegotiation):
    """Content negotiation by the Accept header only: ``?format=`` is not DRF's renderer
    switch here (it answered 404 for ``?format=glb``), so it is reported as unknown."""

    settings = _NoFormatOverride
