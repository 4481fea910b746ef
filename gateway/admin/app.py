"""The admin API as a FastAPI app mounted inside the gateway; the gateway authenticates first."""

from typing import Any

from fastapi import Depends, FastAPI

from chassis.app import contract, harden_routes, operation_id
from chassis.db import Database
from chassis.errors import install_problem_handlers, no_nul_in_query
from gateway.admin.audit.routes import audit
from gateway.admin.clients.routes import clients
from gateway.admin.webhooks.routes import deliveries, endpoints
from gateway.audit import AuditLog
from gateway.keys import KeyStore


def create_admin_app(db: Database, keys: KeyStore, audit_log: AuditLog) -> FastAPI:
    app = FastAPI(
        title="ARS gateway",
        description="The gateway's own API: API clients and keys, the audit log, and webhook "
        "endpoints with their delivery log.",
        version="0.1.0",
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(no_nul_in_query)],
    )
    app.state.db = db
    app.state.keys = keys
    app.state.audit = audit_log
    install_problem_handlers(app)
    for router in (clients, audit, endpoints, deliveries):
        app.include_router(router)
    harden_routes(app)
    return app


def admin_contract(app: FastAPI) -> dict[str, Any]:
    return contract(app, idempotency_keys=False)  # the admin API keeps no idempotency store
