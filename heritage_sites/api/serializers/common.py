"""Fields shared by the resources: per-language texts, public references, model validation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api import languages


class LocalizedTextSerializer(serializers.Serializer):
    """Schema of one translated text: the text, its language (BCP 47) and direction."""

    value = serializers.CharField()
    lang = serializers.CharField(help_text="BCP 47 tag of the language the text is in.")
    dir = serializers.ChoiceField(choices=["ltr", "rtl"], help_text="Writing direction.")


@extend_schema_field(LocalizedTextSerializer)
class LocalizedField(serializers.Field):
    """A translated field in the language the client asked for, falling back to English."""

    def __init__(self, field: str, **kwargs):
        self.field = field
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return languages.localized(obj, self.field, self.context["language"])


@extend_schema_field(
    {
        "type": "object",
        "description": 'Text per language code, e.g. {"en": "Samarkand", "fa": "سمرقند"}. '
        "English is required when creating.",
        "additionalProperties": {"type": "string"},
        "example": {"en": "Samarkand"},
    }
)
class TranslationsField(serializers.Field):
    """Writes ``{"en": "...", "fa": "..."}`` into the per-language columns of ``field``."""

    def __init__(self, field: str, max_length: int | None = None, **kwargs):
        self.field = field
        self.max_length = max_length
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                'Give an object of texts per language, e.g. {"en": "Samarkand"}.'
            )
        codes = languages.supported_codes()
        values = {}
        for code, text in data.items():
            if code not in codes:
                raise serializers.ValidationError(
                    f"'{str(code)[:20]}' is not a language of the museum. Use: {', '.join(codes)}."
                )
            if text is not None and not isinstance(text, str):
                raise serializers.ValidationError(f"The {code} text must be a string.")
            text = (text or "").strip()
            if self.max_length and len(text) > self.max_length:
                raise serializers.ValidationError(
                    f"The {code} text is {len(text)} characters; the limit is {self.max_length}."
                )
            values[languages.column(self.field, code)] = text or None
        default = languages.column(self.field, settings.LANGUAGE_CODE)
        if self.required and not values.get(default) and not self.parent.partial:
            raise serializers.ValidationError(
                f"The {settings.LANGUAGE_CODE} text is required: it is the fallback for every "
                "other language."
            )
        if default in values and not values[default] and self.required:
            raise serializers.ValidationError(
                f"The {settings.LANGUAGE_CODE} text cannot be emptied."
            )
        if default in values and values[default] is None:
            values[default] = ""
        return values

    def to_representation(self, obj):
        return {
            code: getattr(obj, languages.column(self.field, code), None) or ""
            for code in languages.supported_codes()
            if getattr(obj, languages.column(self.field, code), None)
        }


@extend_schema_field(OpenApiTypes.STR)
class RefField(serializers.Field):
    """Refers to a record by public id (UUID) or slug, within a queryset the view allows."""

    def __init__(self, queryset_getter, label_plural: str, uuid_only: bool = False, **kwargs):
        self.queryset_getter = queryset_getter
        self.label_plural = label_plural
        self.uuid_only = uuid_only
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            raise serializers.ValidationError("Give a public id (UUID) or a slug.")
        queryset = self.queryset_getter(self.context["request"])
        data = data.strip()
        try:
            lookup = {"public_id": uuid.UUID(data)}
        except ValueError:
            if self.uuid_only:
                raise serializers.ValidationError("Give the public id (a UUID).") from None
            lookup = {"slug": data}
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise serializers.ValidationError(
                f"No {self.label_plural} '{data[:80]}' that you may use here."
            )
        return obj

    def to_representation(self, obj):
        return str(obj.public_id)


def validate_model(instance, attrs: dict, exclude: list[str]) -> None:
    """Run the model's own checks (clean(), constraints, uniqueness) on the would-be row, so
    a bad value is a 400 naming the field and never an IntegrityError (500)."""
    for key, value in attrs.items():
        setattr(instance, key, value)
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None


_PLACEHOLDER = "--ref--"


def public_url(request, view_name: str, ref) -> str:
    """Absolute URL of a record. The URL is reversed once per request and view name, then
    filled in per row: reverse() on each of 50 rows was a fifth of a list request's time."""
    from rest_framework.reverse import reverse

    templates = request.__dict__.setdefault("_museum_url_templates", {})
    template = templates.get(view_name)
    if template is None:
        template = reverse(f"api-v1:{view_name}", kwargs={"ref": _PLACEHOLDER}, request=request)
        templates[view_name] = template
    return template.replace(_PLACEHOLDER, str(ref), 1)
