"""REST API v1 of the museum, under /api/v1/ (schema at /api/schema/, Swagger UI at /api/docs/).

Layout: ``views.py`` (index and vocabularies), ``site_views.py``, ``artefact_views.py``,
``scan_views.py``; ``serializers/`` (one per action: list, detail, write); ``filters.py``,
``geo.py``, ``languages.py``, ``pagination.py``, ``permissions.py``, ``authentication.py``,
``errors.py``, ``schema.py``; ``base.py`` holds what every view shares.

Rules it keeps:

- Records are named by public UUID or slug, never by database id.
- What a caller sees comes from the QuerySets' ``visible_to(user)``: published records for
  everybody, drafts for the curators of the owning institution (artefacts) or of a steward
  institution (sites). Writes go through ``editable_by(user)``, so another institution's
  record is a 404, exactly like a record that does not exist.
- Third-party apps authenticate with an API key (``Authorization: Api-Key ...``): read-only,
  anonymous visibility, their own rate limit. Curators use a token or a session.
- Every error is RFC 9457 problem details (``application/problem+json``).
- Translated texts are ``{"value", "lang", "dir"}`` in the language asked for by ``?lang=`` or
  ``Accept-Language``, falling back to English; ``Content-Language`` names the language asked.
- GET answers carry ``ETag`` (hash of the body) and ``Last-Modified``; a matching conditional
  GET is a 304.
- Search: SQLite FTS5 trigram tables kept in step by triggers (migration 0003,
  ``search_index_rebuild``); PostgreSQL full-text search per language plus pg_trgm for
  Chinese and Persian (``heritage_sites/search.py``).
"""
