"""The advisors service's app factory."""

from fastapi import FastAPI

from chassis.app import ServiceSpec, build_app
from services.advisors.action_plans.routes import router as action_plans_router
from services.advisors.advisor_sales.routes import router as advisor_sales_router
from services.advisors.advisors.routes import router as advisors_router
from services.advisors.assessments.routes import router as assessments_router
from services.advisors.assignments.routes import router as assignments_router
from services.advisors.catalogue import CATALOGUE
from services.advisors.certifications.routes import router as certifications_router
from services.advisors.coaching.routes import router as coaching_router
from services.advisors.deviations.routes import router as deviations_router
from services.advisors.feeds import CONSUMERS
from services.advisors.kpi_schemes.routes import router as kpi_schemes_router
from services.advisors.models import tables
from services.advisors.references import References
from services.advisors.settings import MIGRATIONS, AdvisorsSettings
from services.advisors.training_courses.routes import router as training_courses_router
from services.advisors.training_enrolments.routes import router as training_enrolments_router
from services.advisors.training_sessions.routes import router as training_sessions_router
from services.advisors.visits.routes import router as visits_router
from services.advisors.work_logs.routes import router as work_logs_router

SPEC = ServiceSpec(
    name="advisors",
    title="ARS advisors service",
    description="Customer advisors (客户顾问): the field force, its managers and promoters.",
    version="0.1.0",
    event_path="/v1/advisor-events",
    event_scope="advisors:read",
    routers=[
        advisors_router,
        assignments_router,
        visits_router,
        work_logs_router,
        action_plans_router,
        kpi_schemes_router,
        advisor_sales_router,
        assessments_router,
        training_courses_router,
        training_sessions_router,
        training_enrolments_router,
        certifications_router,
        coaching_router,
        deviations_router,
    ],
    tables=tables,
    migrations=MIGRATIONS,
    catalogue=CATALOGUE,
    consumers=CONSUMERS,
)


def create_app(settings: AdvisorsSettings | None = None) -> FastAPI:
    settings = settings or AdvisorsSettings()
    app = build_app(SPEC, settings)
    # regions, dealers and outlets referred to are checked against the copies, else their owner
    app.state.references = References.over_http(settings)
    return app
