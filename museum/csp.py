"""Where browsers may load media from, for the Content-Security-Policy in settings.

Derivatives (web models, posters) and direct uploads go straight between the browser and
object storage when STORAGE_BACKEND=s3, so their origins are allowed to pages' images and
fetches. The embedded default serves media from the site itself ('self').
"""

from urllib.parse import urlsplit


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def public_media_origins(
    *,
    public_domain: str | None,
    public_protocol: str,
    public_endpoint_url: str | None,
    bucket: str,
    region: str,
    addressing_style: str,
) -> list[str]:
    """The origins of derivative URLs and presigned URLs that browsers fetch."""
    origins = []
    if public_domain:
        # custom_domain may carry a path ("localhost:9000/museum"): keep the host only.
        origins.append(f"{public_protocol}//{public_domain.split('/', 1)[0]}")
    if public_endpoint_url:
        origins.append(origin(public_endpoint_url))
    elif addressing_style == "virtual":
        # AWS itself: boto3 signs for the bucket's own host name.
        origins += [
            f"https://{bucket}.s3.amazonaws.com",
            f"https://{bucket}.s3.{region}.amazonaws.com",
        ]
    else:
        origins += ["https://s3.amazonaws.com", f"https://s3.{region}.amazonaws.com"]
    return list(dict.fromkeys(origins))
