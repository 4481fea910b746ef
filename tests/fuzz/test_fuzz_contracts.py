"""Bounded property-based fuzzing of each service's contract, in-process: no 5xx, responses match
their schemas, errors are problem documents. Every operation gets its own bounded run."""

import asyncio
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chassis.db import Database
from chassis.testing import auth_headers
from services.advisors.references import References
from tests.dealers.upstream import RegionsOwner, use_owner
from tests.harness import SERVICES, Databases

FUZZ_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz_app(service: str, backend: str, databases: Databases) -> Any:
    url = asyncio.run(databases.url(service, backend, "fuzz"))
    app = SERVICES[service].create_app(url)
    # Schemathesis calls the app from event loops of its own: pooled connections can't follow.
    app.state.db = Database(url, null_pool=True)
    if service == "advisors":  # no peer services here: an unseen account or region is unknown
        app.state.references = References.asking(_nobody, _nobody, _nobody)
    if service == "dealers":  # no regions service to ask: the test regions are known, no other
        use_owner(app, RegionsOwner())
    return app


async def _nobody(_: Any) -> None:
    return None


def check(case: Any, service: str) -> None:
    headers = auth_headers(service, SERVICES[service].scopes)
    # Domain rules (a county's parent must be its prefecture) can't live in a schema: a
    # schema-valid request may rightly be a 422, so that one check is left out.
    # In-process apps have no peer services: a reference their copies haven't seen is then a
    # 503 naming the owner (the declared answer when an owner can't be asked), never another 5xx.
    response = case.call_and_validate(
        headers=headers, excluded_checks=[positive_data_acceptance, not_a_server_error]
    )
    if response.status_code >= 500:
        assert response.status_code == 503, response.text
        assert response.json()["type"].endswith("/owner-unavailable"), response.text
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")


@pytest.mark.parametrize("service", list(SERVICES))
def test_fuzz_service_contract(service: str, backend: str, databases: Databases) -> None:
    app = fuzz_app(service, backend, databases)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the contract lists no operation"
    for operation in operations:

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            check(case, service)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    asyncio.run(app.state.db.dispose())
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
