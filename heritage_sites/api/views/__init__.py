"""API views, one module per resource, mirroring ``api/serializers/``."""
