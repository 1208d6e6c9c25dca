"""Serializers of API v1, one per action: a lean one for lists, a full one for details, and
write serializers that accept only the fields a curator may set."""
