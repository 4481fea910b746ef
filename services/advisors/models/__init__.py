"""The advisors service's tables, all on one metadata of its own."""

from services.advisors.models.action_plan import ActionPlan, PlanKind, PlanStatus
from services.advisors.models.advisor import Advisor, AdvisorLevel, AdvisorRole, AdvisorStatus
from services.advisors.models.assignment import AccountKind, Assignment
from services.advisors.models.base import Base, metadata, tables
from services.advisors.models.coaching import (
    ActionStatus,
    CoachingAction,
    CoachingRole,
    CoachingSession,
)
from services.advisors.models.copies import (
    DEALER_COPIES,
    INBOUND_REFERENCES,
    OUTLET_COPIES,
    REGION_COPIES,
)
from services.advisors.models.deviation import CorrectiveAction, Deviation, DeviationStatus
from services.advisors.models.kpi import (
    AdvisorSales,
    Assessment,
    AssessmentState,
    Kpi,
    KpiScheme,
)
from services.advisors.models.training import (
    Certification,
    Enrolment,
    EnrolmentStatus,
    TrainingCourse,
    TrainingSession,
)
from services.advisors.models.visit import Visit, VisitStatus
from services.advisors.models.work_log import CUSTOMER_FACING, ActivityType, WorkLog

__all__ = [
    "CUSTOMER_FACING",
    "DEALER_COPIES",
    "INBOUND_REFERENCES",
    "OUTLET_COPIES",
    "REGION_COPIES",
    "AccountKind",
    "ActionPlan",
    "ActionStatus",
    "ActivityType",
    "Advisor",
    "AdvisorLevel",
    "AdvisorRole",
    "AdvisorSales",
    "AdvisorStatus",
    "Assessment",
    "AssessmentState",
    "Assignment",
    "Base",
    "Certification",
    "CoachingAction",
    "CoachingRole",
    "CoachingSession",
    "CorrectiveAction",
    "Deviation",
    "DeviationStatus",
    "Enrolment",
    "EnrolmentStatus",
    "Kpi",
    "KpiScheme",
    "PlanKind",
    "PlanStatus",
    "TrainingCourse",
    "TrainingSession",
    "Visit",
    "VisitStatus",
    "WorkLog",
    "metadata",
    "tables",
]
