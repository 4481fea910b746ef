"""Request and response models of API clients and their keys."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Name, RequestModel, ResponseModel

Scope = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z-]*(:[a-z-]+)?$")]
Rate = Annotated[float, Field(gt=0, le=100_000)]
Burst = Annotated[int, Field(ge=1, le=1_000_000)]
Overlap = Annotated[int, Field(ge=0, le=30 * 86_400)]


class ClientKind(StrEnum):
    erp = "erp"
    partner = "partner"
    integration = "integration"


class ApiClientCreate(RequestModel):
    name: Name
    kind: Annotated[ClientKind, Lax]
    scopes: Annotated[list[Scope], Field(max_length=50)]
    dealer_ids: Annotated[list[Id], Field(max_length=1000, default_factory=list)]
    rate: Rate | None = Field(default=None, description="Requests per second; null: the kind's")
    burst: Burst | None = None


class ApiClientUpdate(RequestModel):
    name: Name | None = None
    scopes: Annotated[list[Scope], Field(max_length=50)] | None = None
    dealer_ids: Annotated[list[Id], Field(max_length=1000)] | None = None
    rate: Rate | None = None
    burst: Burst | None = None
    active: bool | None = None


class ApiClientPublic(ResponseModel):
    id: UUID
    name: str
    kind: ClientKind
    scopes: list[str]
    dealer_ids: list[UUID]
    rate: float | None
    burst: int | None
    active: bool
    version: int
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyPublic(ResponseModel):
    id: UUID
    prefix: str = Field(description="The key's recognisable start; the secret is never shown again")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class IssuedKey(ApiKeyPublic):
    key: str = Field(description="The API key, shown only in this response")


class ApiClientIssued(ApiClientPublic):
    key: IssuedKey


class KeyRotation(RequestModel):
    overlap_seconds: Overlap = Field(
        default=86_400, description="How long the client's older keys keep working"
    )


ApiClientPage = Page[ApiClientPublic]
ApiKeyList = Page[ApiKeyPublic]
