"""The regions service's app factory."""

from fastapi import FastAPI

from chassis.app import ServiceSpec, build_app
from services.regions.analytics.routes import router as analytics_router
from services.regions.budgets.routes import router as budgets_router
from services.regions.catalogue import CATALOGUE
from services.regions.feeds import CONSUMERS
from services.regions.keymarkets.routes import router as keymarkets_router
from services.regions.market.routes import competitors, surveys
from services.regions.models import tables
from services.regions.plans.routes import router as plans_router
from services.regions.regions.routes import router as regions_router
from services.regions.settings import MIGRATIONS, RegionsSettings
from services.regions.targets.routes import router as targets_router

SPEC = ServiceSpec(
    name="regions",
    title="ARS regions service",
    description=(
        "Regional markets (区域市场): the region tree, surveys, key markets, targets, budgets."
    ),
    version="0.1.0",
    event_path="/v1/region-events",
    event_scope="regions:read",
    routers=[
        regions_router,
        analytics_router,
        competitors,
        surveys,
        targets_router,
        budgets_router,
        keymarkets_router,
        plans_router,
    ],
    tables=tables,
    migrations=MIGRATIONS,
    consumers=CONSUMERS,
    catalogue=CATALOGUE,
)


def create_app(settings: RegionsSettings | None = None) -> FastAPI:
    return build_app(SPEC, settings or RegionsSettings())
