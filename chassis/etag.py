"""ETags from row versions, and the If-Match rule for updates (428 without it, 412 when stale)."""

from typing import Annotated

from fastapi import Header, Response

from chassis.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"v{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int) -> None:
    """Raise unless `If-Match` names the current version."""
    if not if_match:
        raise PreconditionRequired("This update needs an If-Match header with the record's ETag.")
    current = etag(version)
    # If-Match uses strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
    offered = {tag.strip() for tag in if_match.split(",")}
    if current not in offered and "*" not in offered:
        raise PreconditionFailed(
            "The record has changed since it was read; fetch it again.", current_etag=current
        )


IfMatch = Annotated[str | None, Header(description="The ETag of the version being changed")]
