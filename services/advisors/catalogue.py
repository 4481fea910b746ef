"""Every event type on `/v1/advisor-events`: what it means, when it is emitted, its `data`."""

from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from chassis.catalogue import Catalogue, EventType
from services.advisors.action_plans.schemas import ActionPlanPublic
from services.advisors.advisor_sales.schemas import SalesPublic
from services.advisors.advisors.schemas import AdvisorPublic
from services.advisors.assessments.schemas import AssessmentPublic
from services.advisors.assignments.schemas import AssignmentPublic
from services.advisors.certifications.schemas import CertificationPublic
from services.advisors.coaching.schemas import ActionPublic, CoachingPublic
from services.advisors.deviations.schemas import DeviationPublic
from services.advisors.kpi_schemes.schemas import SchemePublic
from services.advisors.training_courses.schemas import CoursePublic
from services.advisors.training_enrolments.schemas import EnrolmentPublic
from services.advisors.training_sessions.schemas import SessionPublic
from services.advisors.visits.schemas import VisitPublic
from services.advisors.work_logs.schemas import WorkLogPublic


class AssessmentComputed(BaseModel):
    """An assessment as a run (`/v1/assessments/run`) computed it: the figures, not the KPIs."""

    id: UUID = Field(description="The assessment")
    advisor_id: UUID
    scheme_id: UUID
    period: str = Field(description="YYYY-MM")
    score: Decimal = Field(description="The weighted score, as a decimal string")
    grade: Literal["A", "B", "C", "D"]
    incentive: Decimal = Field(description="The incentive, as a decimal string")


REASON = {"reason": (str | None, Field(description="Why, when the caller said"))}
# Present only on the two events of a reassignment (POST /v1/assignments/{id}/transitions).
REASSIGNED = {
    "reason": (str | None, Field(default=None, description="A reassignment's reason")),
}
REASSIGNED_TO = REASSIGNED | {
    "reassigned_from": (
        UUID | None,
        Field(default=None, description="The assignment this one takes the account over from"),
    ),
}
PLAN_MOVE = "(POST /v1/action-plans/{id}/transitions); `data` is the plan after the move."
VISIT_MOVE = "(POST /v1/visits/{id}/transitions); `data` is the visit after the move."
ACTION_MOVE = (
    "(POST /v1/coaching-sessions/{id}/actions/{action_id}/transitions); `data` is the action "
    "after the move."
)
DEVIATION_MOVE = "(POST /v1/deviations/{id}/transitions); `data` is the deviation after the move."

TYPES = [
    EventType(
        "advisor.created",
        AdvisorPublic,
        "An advisor joined the field force: by POST /v1/advisors, or by a bulk upsert for a new "
        "employee code.",
    ),
    EventType(
        "advisor.updated",
        AdvisorPublic,
        "An advisor's profile, manager or status changed: by PATCH, or by a bulk upsert of a "
        "known employee code.",
    ),
    EventType(
        "advisor.deleted",
        AdvisorPublic,
        "An advisor was deleted; `data` is the advisor as it was.",
    ),
    EventType(
        "assignment.created",
        AssignmentPublic,
        "An advisor was assigned an account (a dealer or an outlet): by POST /v1/assignments, "
        "or as the new half of a reassignment (then with `reassigned_from` and `reason`).",
        extra=REASSIGNED_TO,
    ),
    EventType(
        "assignment.updated",
        AssignmentPublic,
        "An assignment's end date or the account's coordinates changed (PATCH), or it was ended "
        "the day before a reassignment (then with `reason`).",
        extra=REASSIGNED,
    ),
    EventType("action_plan.created", ActionPlanPublic, "An advisor's action plan was drafted."),
    EventType(
        "action_plan.updated",
        ActionPlanPublic,
        "A draft or returned action plan's objectives or planned visits changed.",
    ),
    EventType(
        "action_plan.submitted",
        ActionPlanPublic,
        f"An action plan was submitted for review {PLAN_MOVE}",
        extra=REASON,
    ),
    EventType(
        "action_plan.approved",
        ActionPlanPublic,
        f"The advisor's manager approved an action plan; its planned visits were created "
        f"(each a `visit.created`) {PLAN_MOVE}",
        extra=REASON,
    ),
    EventType(
        "action_plan.returned",
        ActionPlanPublic,
        f"The advisor's manager sent an action plan back, saying why {PLAN_MOVE}",
        extra=REASON,
    ),
    EventType(
        "action_plan.deleted",
        ActionPlanPublic,
        "A draft or returned action plan was deleted; `data` is the plan as it was.",
    ),
    EventType(
        "visit.created",
        VisitPublic,
        "A visit to an account was planned: by POST /v1/visits, or from an approved action plan.",
    ),
    EventType("visit.updated", VisitPublic, "A planned visit's date, purpose or agenda changed."),
    EventType(
        "visit.checked_in",
        VisitPublic,
        f"The advisor checked in at the account, with the distance from it {VISIT_MOVE}",
        extra=REASON,
    ),
    EventType(
        "visit.reported",
        VisitPublic,
        f"The advisor reported a checked-in visit (findings, orders, next steps) {VISIT_MOVE}",
        extra=REASON,
    ),
    EventType(
        "visit.missed",
        VisitPublic,
        f"A planned visit did not happen, saying why {VISIT_MOVE}",
        extra=REASON,
    ),
    EventType(
        "visit.deleted",
        VisitPublic,
        "A planned visit was deleted; `data` is the visit as it was.",
    ),
    EventType("work_log.created", WorkLogPublic, "An advisor logged a span of work."),
    EventType("work_log.updated", WorkLogPublic, "A work log entry changed."),
    EventType(
        "work_log.deleted",
        WorkLogPublic,
        "A work log entry was deleted; `data` is the entry as it was.",
    ),
    EventType("kpi_scheme.created", SchemePublic, "A KPI scheme (rules, bands) was created."),
    EventType("kpi_scheme.updated", SchemePublic, "A KPI scheme's rules or bands changed."),
    EventType(
        "advisor_sales.created",
        SalesPublic,
        "An advisor's sales figures for a month were recorded.",
    ),
    EventType("advisor_sales.updated", SalesPublic, "An advisor's sales figures changed."),
    EventType(
        "assessment.created",
        AssessmentPublic,
        "An advisor was assessed for a month under a KPI scheme (POST /v1/assessments).",
    ),
    EventType(
        "assessment.recomputed",
        AssessmentPublic,
        "An open assessment's figures were computed again (POST /v1/assessments/{id}/recompute).",
    ),
    EventType(
        "assessment.computed",
        AssessmentComputed,
        "A run (POST /v1/assessments/run) created or recomputed an open assessment: one event "
        "per advisor; locked assessments are left alone.",
    ),
    EventType(
        "assessment.locked",
        AssessmentPublic,
        "An assessment was locked: its figures are final (POST /v1/assessments/{id}/transitions).",
        extra=REASON,
    ),
    EventType("training_course.created", CoursePublic, "A training course was created."),
    EventType("training_course.updated", CoursePublic, "A training course changed."),
    EventType(
        "training_session.created",
        SessionPublic,
        "A session of a training course was scheduled.",
    ),
    EventType(
        "training_enrolment.created",
        EnrolmentPublic,
        "An advisor was enrolled in a training session.",
    ),
    EventType(
        "training_enrolment.completed",
        EnrolmentPublic,
        "An enrolled advisor's result (score, passed) was recorded "
        "(POST /v1/training-enrolments/{id}/transitions); a pass also issues a certification.",
        extra=REASON,
    ),
    EventType(
        "training_enrolment.absent",
        EnrolmentPublic,
        "An enrolled advisor was recorded absent (POST /v1/training-enrolments/{id}/transitions).",
        extra=REASON,
    ),
    EventType(
        "certification.issued",
        CertificationPublic,
        "An advisor passed a course and was certified (with its expiry, if the course has one).",
    ),
    EventType(
        "coaching_session.created",
        CoachingPublic,
        "A coach (a manager or peer) coached an advisor.",
    ),
    EventType("coaching_session.updated", CoachingPublic, "A coaching session changed."),
    EventType(
        "coaching_action.created",
        ActionPublic,
        "A coaching session agreed an action for the advisor.",
    ),
    EventType(
        "coaching_action.updated",
        ActionPublic,
        "An open coaching action's description or due date changed.",
    ),
    EventType(
        "coaching_action.done",
        ActionPublic,
        f"An open coaching action was done {ACTION_MOVE}",
        extra=REASON,
    ),
    EventType(
        "coaching_action.dropped",
        ActionPublic,
        f"An open coaching action was dropped {ACTION_MOVE}",
        extra=REASON,
    ),
    EventType(
        "deviation.created",
        DeviationPublic,
        "A deviation between an advisor's target and result for a month was recorded.",
    ),
    EventType(
        "deviation.updated",
        DeviationPublic,
        "The result, cause or corrective action of a deviation that is not closed changed.",
    ),
    EventType(
        "deviation.in_progress",
        DeviationPublic,
        f"The correction of an open deviation started {DEVIATION_MOVE}",
        extra=REASON,
    ),
    EventType(
        "deviation.closed",
        DeviationPublic,
        f"A deviation was closed with its corrective action {DEVIATION_MOVE}",
        extra=REASON,
    ),
]

CATALOGUE = Catalogue(
    service="advisors",
    title="ARS advisors service",
    feed_path="/v1/advisor-events",
    scope="advisors:read",
    types=TYPES,
)
