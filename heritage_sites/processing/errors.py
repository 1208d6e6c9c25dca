"""The one exception the pipeline raises for a file it refuses."""

from __future__ import annotations


class Rejected(Exception):
    """The upload cannot be processed; ``reason`` is written for a curator.

    ``code`` is a short machine word (``bomb``, ``path``, ``header_mismatch``...) kept in the
    report so scripts and tests can tell refusals apart without parsing sentences.
    """

    def __init__(self, reason: str, *, code: str = "invalid") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
