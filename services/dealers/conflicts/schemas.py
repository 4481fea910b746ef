"""Request and response models for `/v1/conflicts`."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.pagination import Page
from chassis.types import Id, Lax, Money, MoneyOut, PastDate, RequestModel, ResponseModel, Text
from services.dealers.fields import Evidence
from services.dealers.models import ConflictStatus, ConflictType

Role = Literal["complainant", "respondent", "involved"]


class PartyIn(RequestModel):
    """A dealer, or an outlet (its supplying dealer is recorded with it)."""

    dealer_id: Id | None = None
    outlet_id: Id | None = None
    role: Role = "involved"


class PartyOut(BaseModel):
    dealer_id: UUID
    outlet_id: UUID | None
    role: str


class ConflictCreate(RequestModel):
    type: Annotated[ConflictType, Lax]
    region_id: Id
    reported_on: PastDate
    description: Text
    evidence: Annotated[list[Evidence], Field(max_length=20)] = Field(default_factory=list)
    parties: Annotated[list[PartyIn], Field(min_length=1, max_length=20)]


class ConflictUpdate(RequestModel):
    status: Annotated[ConflictStatus, Lax] | None = Field(
        default=None, description="open → investigating → resolved | dismissed"
    )
    description: Text | None = None
    evidence: Annotated[list[Evidence], Field(max_length=20)] | None = None
    resolution: Text | None = Field(default=None, description="Required to resolve")
    penalty: Money | None = None


class ConflictPublic(ResponseModel):
    id: UUID
    type: ConflictType
    region_id: UUID
    reported_on: date
    description: str
    evidence: list[str]
    status: ConflictStatus
    resolution: str | None
    penalty: MoneyOut | None
    reported_by: str
    parties: list[PartyOut]
    version: int
    created_at: datetime
    updated_at: datetime


ConflictPage = Page[ConflictPublic]
