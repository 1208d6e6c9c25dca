"""The one exception the pipeline raises for a file it refuses."""

from __future__ import annotations


class Rejected(Exception):
    """The upload cannot be processed; ``reason`` is written for a curator.

    ``code`` is a short machine word (``bomb``, ``path``, ``header_mismatch``...) kept in the
    report so scripts and tests can tell refusals apart without parsing sentences.
    ``detail`` is the technical cause (a library's own message, for example) for staff: it
    goes to the report's ``technical_detail``, never into the reason.
    """

    def __init__(self, reason: str, *, code: str = "invalid", detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.detail = detail


def technical_detail(exc: BaseException) -> str:
    """``ExceptionName: message`` of ``exc``, capped, for the staff-only part of a report."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:500]
