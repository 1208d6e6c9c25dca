"""OpenAPI details shared by every endpoint: the language parameter and the error shape."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from heritage_sites.api.errors import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="`about:blank`: the status code says it all.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    code = serializers.CharField(required=False, help_text="A stable machine-readable code.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field or query parameter.",
    )


LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    description="Language of translated texts (wins over Accept-Language): en, zh-hans, ar, "
    "ru, fa, tr, fr. Missing translations fall back to English; each text says its language "
    "and direction.",
)

_ERRORS = {
    "GET": ("400", "401", "404", "429"),
    "HEAD": ("400", "401", "404", "429"),
    "POST": ("400", "401", "403", "404", "413", "415", "429"),
    "PUT": ("400", "401", "403", "404", "415", "429"),
    "PATCH": ("400", "401", "403", "404", "415", "429"),
    "DELETE": ("401", "403", "404", "429"),
}


class MuseumAutoSchema(AutoSchema):
    def get_override_parameters(self):
        return [*super().get_override_parameters(), LANG_PARAMETER]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in _ERRORS.get(self.method, ()):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE, "application/json"]
                )
        if self.method in ("GET", "HEAD") and "304" not in responses:
            responses["304"] = {"description": "Not modified (conditional GET matched)."}
        return responses
