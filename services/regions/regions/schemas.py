"""Request and response models for `/v1/regions`: the tree, roll-out stage transitions and bulk
upserts."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import AliasChoices, Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Name, PastDate, RequestModel, ResponseModel, Text
from services.regions.fields import RegionCode
from services.regions.models import RegionKind, RegionLevel, RolloutStage


class RegionCreate(RequestModel):
    code: RegionCode = Field(
        description="GB/T 2260 code for administrative regions; own code for sales regions"
    )
    name: Name
    kind: Annotated[RegionKind, Lax] = RegionKind.administrative
    parent_id: Id | None = None
    owner_id: Id | None = Field(default=None, description="The advisor responsible")
    key_market: bool = False


class RegionUpdate(RequestModel):
    name: Name | None = None
    parent_id: Id | None = Field(default=None, description="Move the region under another one")
    owner_id: Id | None = None
    key_market: bool | None = None


class RegionPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    kind: RegionKind
    level: RegionLevel
    parent_id: UUID | None
    owner_id: UUID | None
    key_market: bool
    rollout_stage: RolloutStage
    version: int
    created_at: datetime
    updated_at: datetime


RegionPage = Page[RegionPublic]


class Crumb(ResponseModel):
    id: UUID
    code: str
    name: str
    level: RegionLevel


class Breadcrumb(ResponseModel):
    items: list[Crumb] = Field(description="From the top region down to the region itself")


class RegionTransitionCreate(RequestModel):
    to: Annotated[RolloutStage, Lax] = Field(
        description="The next roll-out stage: one step forward or back from the current one"
    )
    on: PastDate | None = Field(
        default=None,
        description="The day the region moved (today when left out); not before the last move",
    )
    reason: Text


class RegionTransitionPublic(ResponseModel):
    id: UUID
    region_id: UUID
    # stored as from_stage/to_stage/changed_on; `from` is a Python keyword, hence the alias
    from_: RolloutStage = Field(
        validation_alias=AliasChoices("from", "from_stage"), serialization_alias="from"
    )
    to: RolloutStage = Field(validation_alias=AliasChoices("to", "to_stage"))
    on: date = Field(validation_alias=AliasChoices("on", "changed_on"))
    reason: str
    actor: str
    created_at: datetime


RegionTransitionPage = Page[RegionTransitionPublic]


class RegionBulkItem(RequestModel):
    code: RegionCode
    name: Name
    kind: Annotated[RegionKind, Lax] = RegionKind.administrative
    parent_code: RegionCode | None = Field(
        default=None,
        description="Defaults to the GB/T 2260 parent; a province may name a sales region",
    )
    owner_id: Id | None = None
    key_market: bool = False
