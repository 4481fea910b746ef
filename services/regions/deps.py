"""Dependencies every router of the service shares: callers by scope."""

from typing import Annotated

from chassis.app import resource_router as make_router
from chassis.etag import IfMatch
from chassis.identity import Principal, require_any_scope, require_scopes

Reader = Annotated[Principal, require_scopes("regions:read")]
Writer = Annotated[Principal, require_scopes("regions:write")]
# Reading one record other services refer to: also the peers granted the region feed.
PeerReader = Annotated[Principal, require_any_scope("regions:read", "regions:events")]

__all__ = ["IfMatch", "PeerReader", "Reader", "Writer", "make_router"]
