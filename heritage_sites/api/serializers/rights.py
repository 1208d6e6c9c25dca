"""Rights in the API: licences given as URIs (or their short codes), and the rights block
shown with every asset (licence, name, rights holder, attribution, reusability)."""

from __future__ import annotations

from rest_framework import serializers

from heritage_sites import rights
from heritage_sites.models.workflow import PublicationState


class LicenceField(serializers.ChoiceField):
    """A licence or rights statement by URI; the short codes (``CC-BY-4.0``, ``InC``) are
    accepted and stored as their URIs."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "A Creative Commons licence or RightsStatements.org statement, by URI (e.g. "
            "https://creativecommons.org/licenses/by/4.0/) or short code (CC-BY-4.0, InC).",
        )
        super().__init__(choices=rights.Licence.choices, **kwargs)

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        uri = rights.licence_uri(data) if isinstance(data, str) else None
        if uri is None:
            raise serializers.ValidationError(
                f"'{str(data)[:100]}' is not a licence the museum knows. Use a URI or one of: "
                f"{', '.join(rights.SHORT_CODES)}."
            )
        return uri


class RightsSerializer(serializers.Serializer):
    licence = serializers.CharField(help_text="URI of the licence or rights statement.")
    licence_code = serializers.CharField()
    licence_name = serializers.CharField()
    reusability = serializers.ChoiceField(choices=["open", "restricted"])
    rights_holder = serializers.CharField()
    attribution = serializers.CharField(help_text="Show this wherever the asset is shown.")


def rights_block(*, licence: str, rights_holder: str, attribution: str) -> dict:
    return {
        "licence": licence,
        "licence_code": rights.licence_code(licence),
        "licence_name": rights.licence_label(licence),
        "reusability": "open" if rights.is_open(licence) else "restricted",
        "rights_holder": rights_holder,
        "attribution": attribution,
    }


def refuse_state_writes(serializer, attrs_source: dict) -> None:
    """``state`` changes by the transition endpoints, not by a write. Sending the state the
    record already has (or ``draft`` when creating) is accepted and ignored."""
    if "state" not in attrs_source:
        return
    current = serializer.instance.state if serializer.instance else PublicationState.DRAFT
    if attrs_source["state"] != current:
        raise serializers.ValidationError(
            {
                "state": [
                    "The state changes through the workflow: POST to the record's submit/, "
                    "reject/, publish/, withdraw/ or reinstate/ endpoint."
                ]
            }
        )
