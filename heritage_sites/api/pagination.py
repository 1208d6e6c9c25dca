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
