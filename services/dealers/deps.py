"""Dependencies every router of the service shares: callers by scope, If-Match, the router, the
region check."""

from typing import Annotated, Any

from fastapi import Depends, Header, Request

from chassis.app import resource_router as make_router
from chassis.copies import Reference
from chassis.errors import problem_responses
from chassis.etag import IfMatch
from chassis.identity import Principal, require_any_scope, require_scopes

Reader = Annotated[Principal, require_scopes("dealers:read")]
# The other services (granted `dealers:events`) read a dealer or an outlet their records name.
RecordReader = Annotated[Principal, require_any_scope("dealers:read", "dealers:events")]
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


def _regions(request: Request) -> Reference:
    # built once per app from its settings (`create_app`); tests put a fetch of their own there
    reference: Reference = request.app.state.regions
    return reference


# The check of a region id against the copy of regions (asking the regions service when needed).
Regions = Annotated[Reference, Depends(_regions)]

REGION_CHECK = (
    "`region_id` must name a region that exists and is not deleted (422 on `#/region_id`). It is "
    "checked against this service's copy of regions; an id the copy hasn't seen yet is asked of "
    "the regions service once, and that service being unreachable is a 503 naming it "
    "(`service`), with nothing written."
)
BULK_REGION_CHECK = (
    "An item naming an unknown or deleted region is invalid (`#/region_id`). The regions service "
    "is asked at most once per region id this service's copy hasn't seen; its being unreachable "
    "is a 503 naming it, with nothing written."
)
RECORD_READERS = (
    "Needs `dealers:read`, or `dealers:events`: the other services check the records theirs name."
)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`problem_responses`, with the 503 of an owner service that could not be asked."""
    responses = problem_responses(*statuses)
    if 503 in responses:
        responses[503] = responses[503] | {
            "description": "The regions service could not be asked about a region id; nothing "
            "was written"
        }
    return responses


__all__ = [
    "BULK_REGION_CHECK",
    "RECORD_READERS",
    "REGION_CHECK",
    "IdempotencyKey",
    "IfMatch",
    "Reader",
    "RecordReader",
    "Regions",
    "Reporter",
    "Trader",
    "Writer",
    "make_router",
    "problems",
]
