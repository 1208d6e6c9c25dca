"""OpenAPI details shared by every endpoint: the language parameter, who may call, the error
shape, and the vocabularies the filters accept."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers

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


def _lang_parameter() -> OpenApiParameter:
    from heritage_sites.api import languages

    return OpenApiParameter(
        "lang",
        str,
        OpenApiParameter.QUERY,
        enum=languages.supported_codes(),
        description="Language of translated texts (wins over Accept-Language). Missing "
        "translations fall back to English; each text says its language and direction.",
    )


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of the record as you last read it (GET, same language). A stale "
    "one answers 412 and nothing is changed, so two editors never overwrite each other.",
)

_ERRORS = {
    "GET": ("400", "401", "404", "429"),
    "HEAD": ("400", "401", "404", "429"),
    "POST": ("400", "401", "403", "404", "413", "415", "429"),
    "PUT": ("400", "401", "403", "404", "412", "415", "429"),
    "PATCH": ("400", "401", "403", "404", "412", "415", "429"),
    "DELETE": ("401", "403", "404", "429"),
}

# Every response says how much of the caller's rate limit is left (IETF draft
# draft-ietf-httpapi-ratelimit-headers).
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed in the current window.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class MuseumAutoSchema(AutoSchema):
    def get_override_parameters(self):
        extra = [_lang_parameter()]
        if self.method in ("PUT", "PATCH"):
            extra.append(IF_MATCH_PARAMETER)
        return [*super().get_override_parameters(), *extra]

    def _login_required(self) -> bool:
        return any(
            isinstance(permission, permissions.IsAuthenticated)
            for permission in self.view.get_permissions()
        )

    def get_auth(self):
        """Reading is open to everybody (no credentials: the ``{}`` requirement); API keys
        only read; writes need a curator's token or session."""
        auths = super().get_auth()
        if self.method in SAFE_METHODS and not self._login_required():
            return [*auths, {}]
        return [auth for auth in auths if "apiKey" not in auth]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = _ERRORS.get(self.method, ())
        if self.method in SAFE_METHODS and self._login_required():
            codes = (*codes, "403")  # reads for signed-in roles only refuse the others
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE, "application/json"]
                )
        for code, response in responses.items():
            # Every error is problem details, also where a view names its own error bodies.
            content = response.get("content", {}) if isinstance(response, dict) else {}
            if str(code) >= "400" and "application/json" in content:
                content.setdefault(PROBLEM_CONTENT_TYPE, content["application/json"])
        if self.method in ("GET", "HEAD") and "304" not in responses:
            responses["304"] = {"description": "Not modified (conditional GET matched)."}
        return responses
