"""Request and response models for `/v1/training-courses`."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Name, RequestModel, ResponseModel
from services.advisors.fields import Category, Code, Points


class CourseCreate(RequestModel):
    code: Code
    title: Name
    category: Category | None = None
    required: bool = Field(default=False, description="Every active advisor must hold it")
    validity_months: int | None = Field(
        default=None, ge=1, le=120, description="A pass certifies for this long; null: for good"
    )
    pass_score: Points = 60


class CourseUpdate(RequestModel):
    title: Name | None = None
    category: Category | None = None
    required: bool | None = None
    validity_months: int | None = Field(default=None, ge=1, le=120)
    pass_score: Points | None = None


class CoursePublic(ResponseModel):
    id: UUID
    code: str
    title: str
    category: str | None
    required: bool
    validity_months: int | None
    pass_score: float
    version: int
    created_at: datetime
    updated_at: datetime


CoursePage = Page[CoursePublic]
