"""Dependencies every router of the service shares: callers by scope, If-Match, the router maker."""

from typing import Annotated

from fastapi import APIRouter, Header

from chassis.errors import problem_responses
from chassis.identity import Principal, require_scopes

Reader = Annotated[Principal, require_scopes("regions:read")]
Writer = Annotated[Principal, require_scopes("regions:write")]
IfMatch = Annotated[str | None, Header(description="The ETag of the version being changed")]


def make_router(prefix: str, tag: str) -> APIRouter:
    return APIRouter(prefix=prefix, tags=[tag], responses=problem_responses(401, 403, 422))
