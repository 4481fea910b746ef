"""Dependencies every router of the service shares: callers by scope, If-Match, the router."""

from typing import Annotated

from fastapi import Header

from chassis.app import resource_router as make_router
from chassis.etag import IfMatch
from chassis.identity import Principal, require_scopes

Reader = Annotated[Principal, require_scopes("dealers:read")]
Writer = Annotated[Principal, require_scopes("dealers:write")]
# Reporting stock and sell-out and computing proposals from them: what partners' systems and the
# field force do all day, granted without the right to change master data.
Reporter = Annotated[Principal, require_scopes("stock:report")]
# Placing and moving orders and recording payments: a commercial act, granted on its own.
Trader = Annotated[Principal, require_scopes("orders:write")]

# Orders and payments are commercial acts: a retry must never make a second one.
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Required: a retry with the same key and body answers the first result and "
        "makes no second record",
    ),
]

__all__ = ["IdempotencyKey", "IfMatch", "Reader", "Reporter", "Trader", "Writer", "make_router"]
