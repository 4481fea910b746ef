"""Who may call the admin API: admins everything; an API client holding `webhooks:manage` only
its own webhook endpoints and deliveries."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from chassis.app import OrjsonRoute
from chassis.errors import Forbidden, problem_responses
from chassis.identity import Principal, ScopeGuard, guard, require_scopes

WEBHOOKS_SCOPE = "webhooks:manage"
CLIENT_KINDS = frozenset({"erp", "partner", "integration"})

Admin = Annotated[Principal, require_scopes("admin")]


class WebhookGuard(ScopeGuard):
    """Admins manage every client's webhooks; an API client holding `webhooks:manage` manages
    only its own. The contract declares `webhooks:manage`; `admin` passes too."""

    def __init__(self) -> None:
        super().__init__((WEBHOOKS_SCOPE,))

    def check(self, principal: Principal) -> None:
        if "admin" in principal.scopes:
            return
        super().check(principal)
        if principal.kind not in CLIENT_KINDS or not principal.subject.startswith("client:"):
            raise Forbidden("Only API clients manage their own webhooks; admins manage any.")


WebhookCaller = Annotated[Principal, guard(WebhookGuard())]


def owner(principal: Principal) -> UUID | None:
    """The API client whose webhooks the caller may manage; None: an admin, every client's."""
    if "admin" in principal.scopes:
        return None
    return UUID(principal.subject.removeprefix("client:"))


def admin_router(prefix: str) -> APIRouter:
    """A router of the admin API: every route declares the 401, 403 and 422 problems, and parses
    bodies as the services do."""
    return APIRouter(
        prefix=prefix,
        tags=["gateway"],
        responses=problem_responses(401, 403, 422),
        route_class=OrjsonRoute,
    )
