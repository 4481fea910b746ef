"""Request and response models for `/v1/regions`: the tree, roll-out stages and bulk upserts."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, RequestModel, ResponseModel
from services.regions.models import RegionKind, RegionLevel, RolloutStage

Code = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,19}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class RegionCreate(RequestModel):
    code: Code = Field(
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


class StageChangeCreate(RequestModel):
    to_stage: Annotated[RolloutStage, Lax]
    changed_on: Date
    reason: Reason


class StageChangePublic(ResponseModel):
    id: UUID
    region_id: UUID
    from_stage: RolloutStage
    to_stage: RolloutStage
    changed_on: date
    reason: str
    actor: str
    created_at: datetime


StageChangePage = Page[StageChangePublic]


class RegionBulkItem(RequestModel):
    code: Code
    name: Name
    kind: Annotated[RegionKind, Lax] = RegionKind.administrative
    parent_code: Code | None = Field(
        default=None,
        description="Defaults to the GB/T 2260 parent; a province may name a sales region",
    )
    owner_id: Id | None = None
    key_market: bool = False
