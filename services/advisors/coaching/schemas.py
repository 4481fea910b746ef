"""Request and response models for `/v1/coaching-sessions` and their follow-up actions."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from chassis.pagination import Page
from chassis.types import Date, Id, Lax, LongText, Name, PastDate, RequestModel, ResponseModel
from services.advisors.fields import Note, Short
from services.advisors.models import ActionStatus, CoachingRole
from services.advisors.transitions import StatusByTransition


class CoachingCreate(RequestModel):
    coach_id: Id = Field(description="The manager coaching")
    advisor_id: Id
    role: Annotated[CoachingRole, Lax] = Field(
        description="missionary 传教士, coach 教练员, planner 策划者 or firefighter 救火员"
    )
    held_on: PastDate
    topic: Name
    notes: LongText | None = None


class CoachingUpdate(RequestModel):
    role: Annotated[CoachingRole, Lax] | None = None
    held_on: PastDate | None = None
    topic: Name | None = None
    notes: LongText | None = None


class CoachingPublic(ResponseModel):
    id: UUID
    coach_id: UUID
    advisor_id: UUID
    role: CoachingRole
    held_on: date
    topic: str
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class ActionCreate(RequestModel):
    description: Short
    due_on: Date | None = None


class ActionUpdate(StatusByTransition):
    """The text and due date of an open action; its status moves by a transition."""

    TRANSITIONS = "POST /v1/coaching-sessions/{id}/actions/{action_id}/transitions"

    description: Short | None = None
    due_on: Date | None = None


class ActionTransition(RequestModel):
    """An open action is done or dropped; it moves no further."""

    to: Annotated[ActionStatus, Lax]
    reason: Note | None = None


class ActionPublic(ResponseModel):
    id: UUID
    session_id: UUID
    description: str
    due_on: date | None
    status: ActionStatus
    version: int
    created_at: datetime
    updated_at: datetime


CoachingPage = Page[CoachingPublic]
ActionPage = Page[ActionPublic]
