"""ETags from row versions, and the If-Match rule for updates (428 without it, 412 when stale)."""

from typing import Annotated

from fastapi import Header, Response

from chassis.asgi import ASGIApp, Receive, Scope, Send
from chassis.errors import PreconditionFailed, PreconditionRequired

IF_MATCH = b"if-match"


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


class BlankIfMatchMiddleware:
    """An `If-Match:` header with nothing in it names no version: it counts as absent, so where
    the header is optional (a transition) it checks nothing, and where it is required the answer
    is the 428 of a missing one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope.get("headers", ())
            if any(k == IF_MATCH and not v.strip() for k, v in headers):
                scope["headers"] = [(k, v) for k, v in headers if k != IF_MATCH or v.strip()]
        await self.app(scope, receive, send)
