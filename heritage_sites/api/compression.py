"""Compressed API answers: gzip for /api/ responses when the client accepts it (a 50-item
list shrinks about tenfold). ``Vary: Accept-Encoding`` is set, so caches keep both forms;
Django's GZip weakens the ETag (``W/``), which conditional requests here accept."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class APICompressionMiddleware(GZipMiddleware):
    """GZipMiddleware for the API only: pages and files have their own handling (whitenoise
    precompresses static files; 3D files are already compressed)."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
