"""Who may fetch a derivative, where its bytes live, and moving them when a subject's state changes.

A derivative (web model, level of detail, poster, turntable) is public only while its scan's
subject (artefact or site) is published. Until then, and again after a withdrawal:

- on S3 its bytes sit in the private storage (``private/derivatives/...``, no anonymous read);
  the people who may see the scan get presigned GET URLs. Publishing copies them to the public
  storage (``public/derivatives/...``, anonymous read, cacheable forever) and deletes the
  private copy; withdrawing does the reverse. The name (and so the unguessable part of the
  key) stays the same.
- in the embedded default (local files, served by ``serve_media``) the file stays where it is;
  it is served only after a permission check or with a short-lived signed link, never cached
  by shared caches.

``Derivative.is_public`` records which storage holds the bytes now. The services below
compare it with the subject's state and move what differs; they run after the transaction
that changed the state commits.
"""

from __future__ import annotations

import logging
import re
import uuid

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import models, transaction

from heritage_sites.models import Artefact, Derivative, HeritageSite, PublicationState, Scan
from heritage_sites.storage import public_storage, s3

logger = logging.getLogger(__name__)

PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
PRIVATE_CACHE_CONTROL = "private, no-store"
_SALT = "heritage_sites.derivative_access"
# The only names a derivative is ever stored under: derivatives/<scan uuid>/<hex>/<file name>.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


# --- Where the bytes live -------------------------------------------------------------------


def _storage(*, public: bool) -> Storage:
    return public_storage() if public else storages["default"]


def derivative_storage(*, derivative: Derivative) -> Storage:
    """The storage that holds the derivative's bytes now."""
    return _storage(public=derivative.is_public)


def scan_subject_is_published(*, scan: Scan) -> bool:
    subject = scan.artefact if scan.artefact_id else scan.site
    return subject is not None and subject.state == PublicationState.PUBLISHED


def derivative_file_store(
    *, derivative: Derivative, content: File, filename: str, public: bool
) -> None:
    """Write a new derivative's bytes to the public or the private storage (row not saved)."""
    field = Derivative._meta.get_field("file")
    name = field.generate_filename(derivative, filename)
    storage = _storage(public=public)
    derivative.file.name = storage.save(name, content, max_length=field.max_length)
    derivative.is_public = public


def derivative_file_delete(*, derivative: Derivative) -> None:
    derivative_storage(derivative=derivative).delete(derivative.file.name)


# --- Links ----------------------------------------------------------------------------------


def _expiry_seconds() -> int:
    return getattr(settings, "S3_PRESIGNED_EXPIRY_SECONDS", 600)


def derivative_url(*, derivative: Derivative) -> str:
    """A URL that fetches the derivative, for someone already allowed to see its scan.

    Public files get their plain, cacheable URL. Private ones a short-lived link: presigned
    on S3, signed for ``serve_media`` in the embedded default. Relative in the embedded default.
    """
    if derivative.is_public:
        return public_storage().url(derivative.file.name)
    if s3.is_enabled():
        return s3.signing_client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": s3.bucket_name(),
                "Key": s3.private_key(derivative.file.name),
            },
            ExpiresIn=_expiry_seconds(),
        )
    token = signing.dumps(derivative.file.name, salt=_SALT)
    return f"{public_storage().url(derivative.file.name)}?access={token}"


def _token_grants(token: str | None, name: str) -> bool:
    if not token:
        return False
    try:
        return signing.loads(token, salt=_SALT, max_age=_expiry_seconds()) == name
    except signing.BadSignature:  # also SignatureExpired
        return False


def media_path_derivative(path: str) -> Derivative | None:
    """The derivative whose stored name is exactly ``path`` (already URL-decoded), or None.

    Anything but ``derivatives/<scan uuid>/<hex>/<file name>`` made of plain name characters
    is refused before the database is asked: ``..`` and ``.`` segments, backslashes, NUL,
    leftover percent signs (double encoding), non-ASCII (overlong UTF-8), absolute paths and
    empty segments. The file is then found by the name stored on its row, never by joining
    the request's path to a folder.
    """
    segments = path.split("/")
    if len(segments) != 4 or segments[0] != "derivatives":
        return None
    if not all(_SEGMENT.fullmatch(segment) for segment in segments[1:]):
        return None
    if any(segment in (".", "..") for segment in segments):
        return None
    try:
        scan_id = uuid.UUID(segments[1])
    except ValueError:
        return None
    if str(scan_id) != segments[1]:
        return None
    return (
        Derivative.objects.select_related("scan__artefact", "scan__site")
        .filter(scan__public_id=scan_id, file=path)
        .first()
    )


def derivative_readable(*, derivative: Derivative, user, token: str | None) -> bool:
    """Anyone, for a published subject; else the scan's curators and staff, or a signed link."""
    if scan_subject_is_published(scan=derivative.scan):
        return True
    if _token_grants(token, derivative.file.name):
        return True
    return Scan.objects.editable_by(user).filter(pk=derivative.scan_id).exists()


# --- Keeping the bytes where the subject's state says ---------------------------------------


def _published_scans() -> models.QuerySet:
    # Published scans of published subjects, in any processing state: a published scan that
    # is being reprocessed keeps its public files until the new ones replace them.
    return (
        Scan.objects.filter(publication_state=PublicationState.PUBLISHED)
        .with_published_subject()
        .values("pk")
    )


def _misplaced(derivatives: models.QuerySet) -> models.QuerySet:
    published = _published_scans()
    return derivatives.filter(
        models.Q(is_public=True) & ~models.Q(scan__in=published)
        | models.Q(is_public=False, scan__in=published)
    )


def derivatives_sync_visibility(*, derivatives: models.QuerySet | None = None) -> int:
    """Move every derivative (of ``derivatives``, or of the museum) whose storage is wrong.

    Returns how many were moved. A file that cannot be moved is logged and left for the next
    run (``manage.py derivatives_sync_visibility``); the others are still moved.
    """
    candidates = _misplaced(derivatives if derivatives is not None else Derivative.objects.all())
    moved = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        try:
            moved += _derivative_move(pk)
        except Exception:
            logger.exception(
                "Derivative %s could not be moved to match its subject's publication state; "
                "run `manage.py derivatives_sync_visibility` once storage answers again.",
                pk,
            )
    return moved


def scan_derivatives_sync_visibility(*, scan: Scan) -> int:
    """Public derivatives for a published subject, private ones otherwise."""
    return derivatives_sync_visibility(derivatives=Derivative.objects.filter(scan=scan))


def artefact_derivatives_sync_visibility(*, artefact: Artefact) -> int:
    return derivatives_sync_visibility(
        derivatives=Derivative.objects.filter(scan__artefact=artefact)
    )


def site_derivatives_sync_visibility(*, site: HeritageSite) -> int:
    return derivatives_sync_visibility(derivatives=Derivative.objects.filter(scan__site=site))


def subject_derivatives_sync_visibility_on_commit(*, subject: Artefact | HeritageSite) -> None:
    """After the current transaction commits, move the subject's derivatives if needed."""
    if isinstance(subject, Artefact):
        transaction.on_commit(lambda: artefact_derivatives_sync_visibility(artefact=subject))
    elif isinstance(subject, HeritageSite):
        transaction.on_commit(lambda: site_derivatives_sync_visibility(site=subject))


def _derivative_move(pk: int) -> int:
    # The row stays locked while its bytes move, so two moves of one file (a publish and a
    # withdrawal in quick succession) run one after the other, each from the state it reads.
    with transaction.atomic():
        derivative = Derivative.objects.select_for_update().filter(pk=pk).first()
        if derivative is None:
            return 0
        scan = Scan.objects.select_related("artefact", "site").get(pk=derivative.scan_id)
        public = scan_subject_is_published(scan=scan)
        if derivative.is_public == public:
            return 0
        _bytes_move(derivative, public=public)
        Derivative.objects.filter(pk=pk).update(is_public=public)
    return 1


def _bytes_move(derivative: Derivative, *, public: bool) -> None:
    name = derivative.file.name
    source, target = _storage(public=not public), _storage(public=public)
    if s3.is_enabled():
        _s3_move(derivative, source=source, target=target, public=public)
        return
    if _same_file(source, target, name):
        return  # the embedded default: one folder; serve_media checks every request
    if not target.exists(name):
        with source.open(name, "rb") as handle:
            target.save(name, handle)
    source.delete(name)


def _same_file(source: Storage, target: Storage, name: str) -> bool:
    try:
        return source.path(name) == target.path(name)
    except NotImplementedError:
        return False


def _s3_move(derivative: Derivative, *, source, target, public: bool) -> None:
    from botocore.exceptions import ClientError

    client = s3.server_client()
    name = derivative.file.name
    source_key, target_key = source._normalize_name(name), target._normalize_name(name)
    try:
        client.copy_object(
            Bucket=target.bucket_name,
            Key=target_key,
            CopySource={"Bucket": source.bucket_name, "Key": source_key},
            MetadataDirective="REPLACE",
            ContentType=derivative.content_type,
            CacheControl=PUBLIC_CACHE_CONTROL if public else PRIVATE_CACHE_CONTROL,
        )
    except ClientError as exc:
        # An earlier move that copied but did not record it: the target is already there.
        if exc.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
            raise
        client.head_object(Bucket=target.bucket_name, Key=target_key)
    client.delete_object(Bucket=source.bucket_name, Key=source_key)
