"""Request and response models for `/v1/training-enrolments` and their results."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Id, RequestModel, ResponseModel
from services.advisors.fields import Note, Points
from services.advisors.models import EnrolmentStatus
from services.advisors.transitions import ByTarget


class EnrolmentCreate(RequestModel):
    session_id: Id
    advisor_id: Id


class EnrolmentCompletion(RequestModel):
    """The advisor attended and scored: at or above the course's pass score is a pass, and a
    pass of a course with a validity certifies."""

    to: Literal["completed"]
    score: Points
    reason: Note | None = None


class EnrolmentAbsence(RequestModel):
    """The advisor did not attend (no score); no move leads back to `enrolled`."""

    to: Literal["absent", "enrolled"]
    reason: Note | None = None


EnrolmentTarget = Annotated[EnrolmentCompletion | EnrolmentAbsence, Field(discriminator="to")]


class EnrolmentTransition(ByTarget[EnrolmentTarget]):
    """The result of an enrolment: completed with a score, or absent."""


class EnrolmentPublic(ResponseModel):
    id: UUID
    session_id: UUID
    advisor_id: UUID
    status: EnrolmentStatus
    score: float | None
    passed: bool | None = Field(description="Null until the result is recorded")
    version: int
    created_at: datetime
    updated_at: datetime


EnrolmentPage = Page[EnrolmentPublic]
