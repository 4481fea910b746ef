"""The dealers service's app factory."""

from fastapi import FastAPI

from chassis.app import ServiceSpec, build_app
from services.dealers.analytics.routes import router as analytics_router
from services.dealers.catalogue import CATALOGUE
from services.dealers.conflicts.routes import router as conflicts_router
from services.dealers.dealers.routes import router as dealers_router
from services.dealers.models import tables
from services.dealers.orders.routes import router as orders_router
from services.dealers.orders.routes import sell_in as sell_in_router
from services.dealers.outlets.routes import router as outlets_router
from services.dealers.payments.routes import payments as payments_router
from services.dealers.payments.routes import receivables as receivables_router
from services.dealers.products.routes import router as products_router
from services.dealers.references.feeds import CONSUMERS
from services.dealers.references.regions import region_reference
from services.dealers.replenishment.routes import policies as replenishment_policies
from services.dealers.replenishment.routes import proposals as replenishment_proposals
from services.dealers.scorecards.routes import evaluations, templates
from services.dealers.sellout.routes import router as sell_out_router
from services.dealers.settings import MIGRATIONS, DealersSettings
from services.dealers.stock.routes import positions as stock_positions
from services.dealers.stock.routes import reports as stock_reports
from services.dealers.support.routes import router as support_router

SPEC = ServiceSpec(
    name="dealers",
    title="ARS dealers service",
    description="Core dealers (核心经销商) and their terminal network.",
    version="0.1.0",
    event_path="/v1/dealer-events",
    event_scope="dealers:read",
    routers=[
        dealers_router,
        outlets_router,
        products_router,
        support_router,
        templates,
        evaluations,
        conflicts_router,
        analytics_router,
        stock_reports,
        stock_positions,
        sell_out_router,
        replenishment_policies,
        replenishment_proposals,
        orders_router,
        sell_in_router,
        payments_router,
        receivables_router,
    ],
    tables=tables,
    migrations=MIGRATIONS,
    catalogue=CATALOGUE,
    consumers=CONSUMERS,
)


def create_app(settings: DealersSettings | None = None) -> FastAPI:
    settings = settings or DealersSettings()
    app = build_app(SPEC, settings)
    app.state.regions = region_reference(settings)  # the region check the routes use (deps)
    return app
