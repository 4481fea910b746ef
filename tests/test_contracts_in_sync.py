"""The committed OpenAPI contracts match the code; every route is documented properly."""

import json

import pytest

from scripts.contracts import contract_path, render
from tests.harness import SERVICES

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_committed_contract_matches_the_code(service: str) -> None:
    committed = contract_path(service).read_text()
    assert committed == render(service), f"run `make contracts` to update {contract_path(service)}"


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_every_operation_is_documented_and_secured(service: str) -> None:
    doc = json.loads(render(service))
    ids = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(op["operationId"])
            assert op.get("summary"), f"{method} {path} has no summary"
            success = [s for s in op["responses"] if s.startswith("2")]
            assert success, f"{method} {path} declares no success response"
            if path.startswith("/v1/"):
                assert op.get("security"), f"{method} {path} is not secured"
                for status in ("401", "403", "422"):
                    assert status in op["responses"], f"{method} {path} does not declare {status}"
    assert len(ids) == len(set(ids)), "operation ids must be unique"
