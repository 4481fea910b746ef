"""Dependencies every router of the service shares: callers by scope, If-Match, the router, the
checked references to other services' records."""

from typing import Annotated

from chassis.app import resource_router as make_router
from chassis.etag import IfMatch
from chassis.identity import Principal, require_any_scope, require_scopes
from services.advisors.references import OWNER_DOWN, Refs

Reader = Annotated[Principal, require_scopes("advisors:read")]
Writer = Annotated[Principal, require_scopes("advisors:write")]
# what other services read of an advisor they refer to (a region's or a target's owner)
ReaderOrPeer = Annotated[Principal, require_any_scope("advisors:read", "advisors:events")]

__all__ = ["OWNER_DOWN", "IfMatch", "Reader", "ReaderOrPeer", "Refs", "Writer", "make_router"]
