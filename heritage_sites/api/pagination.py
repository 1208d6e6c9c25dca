"""Cursor pagination: a client can walk the whole collection, page after page, without a
page cap, and new rows inserted meanwhile do not shift or repeat what it already has."""

from rest_framework.pagination import CursorPagination

from heritage_sites.api import listing

TOMBSTONE_SCHEMA = {
    "type": "object",
    "properties": {
        # Every kind of record whose list takes ?updated_since= (sites, artefacts, scans,
        # routes, exhibitions).
        "kind": {"type": "string", "enum": [str(kind) for kind in listing.KINDS.values()]},
        "id": {"type": "string", "format": "uuid"},
        "slug": {"type": "string"},
        "reason": {"type": "string", "enum": ["deleted", "withdrawn"]},
        "at": {"type": "string", "format": "date-time"},
    },
    "required": ["kind", "id", "slug", "reason", "at"],
}


class MuseumCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Used only when the view has no ordering filter; every list view has one.
    ordering = "-created_at"
    cursor_query_description = "Opaque cursor from the `next` or `previous` link of a page."
    page_size_query_description = "Results per page (1-200, default 50)."

    extras: dict | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data.update(self.extras or {})
        return response

    def get_paginated_response_schema(self, schema):
        from drf_spectacular.plumbing import build_array_type, build_basic_type
        from drf_spectacular.types import OpenApiTypes

        paginated = super().get_paginated_response_schema(schema)
        counts = {"type": "object", "additionalProperties": build_basic_type(OpenApiTypes.INT)}
        paginated["properties"].update(
            {
                "total": {
                    **build_basic_type(OpenApiTypes.INT),
                    "description": "With `?total=true`: how many results match in all.",
                },
                "facets": {
                    "type": "object",
                    "additionalProperties": counts,
                    "description": "With `?facets=`: per facet, the number of matching "
                    "results per value.",
                },
                "tombstones": {
                    **build_array_type(TOMBSTONE_SCHEMA),
                    "description": "With `?updated_since=`, on the first page: records deleted "
                    "or withdrawn since then.",
                },
            }
        )
        return paginated

    def get_page_size(self, request):
        from rest_framework.exceptions import ValidationError

        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}, not '{value[:20]}'."
                    ]
                }
            )
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        parameters.append(
            {
                "name": "total",
                "in": "query",
                "required": False,
                "description": "`true`: the answer says how many results match in all "
                "(`total`). It costs a count: ask only when you need it.",
                "schema": {"type": "boolean"},
            }
        )
        facets = listing.FACETS.get(view.queryset_model(), {})
        if facets:
            parameters.append(
                {
                    "name": "facets",
                    "in": "query",
                    "required": False,
                    "description": "Comma-separated facets to count over every matching "
                    f"result (`facets` in the answer): {', '.join(facets)}.",
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(facets)},
                        "minItems": 1,
                        "uniqueItems": True,
                    },
                    "style": "form",
                    "explode": False,
                }
            )
        return parameters

    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound, ValidationError

        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        "This cursor is not valid. Start again from the first page and follow "
                        "the `next` links as they are given."
                    ]
                }
            ) from None
