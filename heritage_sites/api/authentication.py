"""Who is calling: curators (session or token) and registered third-party apps (API key).

A third-party app sends ``Authorization: Api-Key <key>``. The key identifies the app, not a
person: ``request.user`` stays anonymous (so the app sees published content only) and
``request.auth`` holds the key, which earns the app its own, higher, rate limit.
"""

from __future__ import annotations

import math

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings
from rest_framework_api_key.models import AbstractAPIKey, APIKey
from rest_framework_api_key.permissions import KeyParser


class APIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = KeyParser().get(request)
        if key is None:
            return None
        try:
            api_key = APIKey.objects.get_from_key(key.strip())
        except APIKey.DoesNotExist:
            api_key = None
        if api_key is None or api_key.has_expired:
            raise exceptions.AuthenticationFailed(
                "This API key is unknown, revoked or expired. Ask the museum for a new key, "
                "or call without one to read published content at the anonymous rate."
            )
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


# The schemes the API knows, as they appear in an Authorization header.
SCHEMES = {"token": "Token", "api-key": "Api-Key"}
SCHEMES_SENTENCE = (
    "Send `Authorization: Token <key>` (curators) or `Authorization: Api-Key <key>` "
    "(registered apps), or no Authorization header to read published content."
)


def refuse_unrecognised_scheme(request) -> None:
    """An Authorization header in a scheme the API does not know (Bearer, Basic, a bare
    key) is a 401 that names the schemes; silently treating the caller as anonymous hid
    the mistake."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() not in SCHEMES:
        raise exceptions.AuthenticationFailed(
            f"This API does not know the Authorization scheme '{scheme[:20]}'. " + SCHEMES_SENTENCE
        )
    if not credentials.strip() or len(credentials.split()) > 1:
        raise exceptions.AuthenticationFailed(
            f"The {SCHEMES[scheme.lower()]} Authorization header is malformed: give exactly "
            "one key after the scheme. " + SCHEMES_SENTENCE
        )


def authenticate_header(request) -> str:
    """The WWW-Authenticate challenge for a 401: the scheme the caller tried, else Token."""
    scheme = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")[0].lower()
    return SCHEMES.get(scheme, "Token")


def is_api_key(request) -> bool:
    return isinstance(getattr(request, "auth", None), AbstractAPIKey)


class MuseumRateThrottle(throttling.SimpleRateThrottle):
    """One limit per API key, per signed-in user, and per anonymous client address.

    Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (scopes ``api_key``, ``user``,
    ``anon``), read at each request so settings overrides apply. The counter lives in the
    default cache: give several web processes a shared cache (Redis) or each counts alone.
    The check-then-record is not atomic, so a burst of concurrent requests can pass the
    limit by about the number of concurrent workers.
    """

    def __init__(self):
        # The rate depends on who calls; it is chosen in allow_request.
        pass

    def allow_request(self, request, view) -> bool:
        if is_api_key(request):
            self.scope, ident = "api_key", f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "user", f"user-{request.user.pk}"
        else:
            # get_ident honours X-Forwarded-For only as far as NUM_PROXIES says.
            self.scope, ident = "anon", f"ip-{self.get_ident(request)}"
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self._cache_key = self.cache_format % {"scope": self.scope, "ident": ident}
        allowed = super().allow_request(request, view)
        # For the RateLimit-* headers of the response (heritage_sites/api/base.py).
        remaining = max(self.num_requests - len(self.history), 0)
        # The window frees a request when the oldest one in it ages out.
        oldest = self.history[-1] if self.history else self.now
        reset = max(math.ceil(self.duration - (self.now - oldest)), 1)
        request.rate_limit = (self.num_requests, remaining, reset)
        return allowed

    def get_cache_key(self, request, view) -> str:
        return self._cache_key


class APIKeyScheme(OpenApiAuthenticationExtension):
    """Describes the API key in the OpenAPI schema."""

    target_class = "heritage_sites.api.authentication.APIKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "For registered third-party apps: `Authorization: Api-Key <key>`. "
            "Read access with a higher rate limit.",
        }
