"""Dependencies every router of the service shares: callers by scope, If-Match, the router."""

from typing import Annotated

from chassis.app import resource_router as make_router
from chassis.etag import IfMatch
from chassis.identity import Principal, require_scopes

Reader = Annotated[Principal, require_scopes("advisors:read")]
Writer = Annotated[Principal, require_scopes("advisors:write")]

__all__ = ["IfMatch", "Reader", "Writer", "make_router"]
