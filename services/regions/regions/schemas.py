"""Request and response models for `/v1/regions`."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, Lax, RequestModel, ResponseModel
from services.regions.models import RegionKind, RegionLevel

Code = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[0-9A-Z][0-9A-Z_-]{1,19}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class RegionCreate(RequestModel):
    code: Code = Field(
        description="GB/T 2260 code for administrative regions; own code for sales regions"
    )
    name: Name
    kind: Annotated[RegionKind, Lax] = RegionKind.administrative
    parent_id: Id | None = None


class RegionUpdate(RequestModel):
    name: Name | None = None


class RegionPublic(ResponseModel):
    id: UUID
    code: str
    name: str
    kind: RegionKind
    level: RegionLevel
    parent_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


RegionPage = Page[RegionPublic]
