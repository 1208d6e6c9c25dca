"""Cursor pagination: a client can walk the whole collection, page after page, without a
page cap, and new rows inserted meanwhile do not shift or repeat what it already has."""

from rest_framework.pagination import CursorPagination


class MuseumCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Used only when the view has no ordering filter; every list view has one.
    ordering = "-created_at"
    cursor_query_description = "Opaque cursor from the `next` or `previous` link of a page."
    page_size_query_description = "Results per page (1-200, default 50)."

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
