"""Request and response models for `/v1/training-sessions`: when and where a course is held."""

from datetime import date, datetime
from uuid import UUID

from chassis.pagination import Page
from chassis.types import Date, Id, Name, RequestModel, ResponseModel
from services.advisors.fields import Label


class SessionCreate(RequestModel):
    course_id: Id
    held_on: Date
    location: Name | None = None
    trainer: Label | None = None


class SessionPublic(ResponseModel):
    id: UUID
    course_id: UUID
    held_on: date
    location: str | None
    trainer: str | None
    version: int
    created_at: datetime
    updated_at: datetime


SessionPage = Page[SessionPublic]
