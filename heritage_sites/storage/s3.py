"""Direct access to the S3 bucket, for what django-storages does not do: presigned downloads
with a browser-facing host, multipart uploads, and streaming reads of staged objects.

Only used when ``STORAGE_BACKEND=s3``. The clients are built lazily, on first use.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages

# Direct uploads land here first; nothing under this prefix is ever served. A bucket lifecycle
# rule should expire it and abort incomplete multipart uploads (see docker-compose.yml).
STAGING_PREFIX = "staging/"


def is_enabled() -> bool:
    return settings.STORAGE_BACKEND == "s3"


def bucket_name() -> str:
    return storages["default"].bucket_name


def private_key(name: str) -> str:
    """The bucket key of a file of the private (default) storage."""
    return storages["default"]._normalize_name(name)


def server_client():
    """The client the servers use: the endpoint reachable from web and worker processes."""
    return storages["default"].connection.meta.client


@cache
def _signing_client(endpoint_url: str | None):
    import boto3
    from botocore.config import Config

    options = settings.STORAGES["default"]["OPTIONS"]
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=options.get("region_name"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": options.get("addressing_style") or "path"},
        ),
    )


def signing_client():
    """A client that signs URLs for the host browsers reach (S3_PUBLIC_ENDPOINT_URL).

    Signing makes no request, so this client needs no route to that host.
    """
    return _signing_client(settings.S3_PUBLIC_ENDPOINT_URL)


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download, safe for any name (RFC 6266 with RFC 5987)."""
    fallback = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename
    )
    fallback = fallback or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def presigned_download_url(*, key: str, filename: str, expires: int) -> str:
    """A short-lived GET URL for a private object, downloaded under ``filename``."""
    return signing_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket_name(),
            "Key": key,
            "ResponseContentDisposition": attachment_header(filename),
        },
        ExpiresIn=expires,
    )


# Derivatives are read by browser apps on any origin (<model-viewer>, three.js): GET and HEAD
# from anywhere, byte ranges allowed and their headers readable. Private objects still need
# a signature; CORS only lets a browser read what it may fetch anyway.
BUCKET_CORS_RULES = [
    {
        "ID": "museum-public-reads",
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedOrigins": ["*"],
        "AllowedHeaders": ["Range", "If-Range", "If-None-Match", "If-Modified-Since"],
        "ExposeHeaders": ["Accept-Ranges", "Content-Length", "Content-Range", "ETag"],
        "MaxAgeSeconds": 86400,
    }
]


def bucket_cors_apply() -> list[dict]:
    """Set the bucket's CORS rules for public reads; returns the rules the bucket now has."""
    client = server_client()
    client.put_bucket_cors(Bucket=bucket_name(), CORSConfiguration={"CORSRules": BUCKET_CORS_RULES})
    return client.get_bucket_cors(Bucket=bucket_name())["CORSRules"]
