"""Clients are generated from the contracts: openapi-python-client builds one from the merged
contract and from each service's without a warning (a warning means a skipped operation or a
dropped type), and every operation of the contract becomes a function of the client."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.app import create_app

ROOT = Path(__file__).resolve().parent.parent.parent
SERVICES = ("regions", "dealers", "advisors")


def _merged() -> dict[str, object]:
    app = create_app()
    return dict(json.loads(app.gateway.openapi))


def _generate(contract: dict[str, object], tmp: Path) -> tuple[str, Path]:
    path = tmp / "contract.json"
    path.write_text(json.dumps(contract))
    bindir = str(Path(sys.executable).parent)  # its post-generation hooks call ruff
    done = subprocess.run(
        [
            f"{bindir}/openapi-python-client",
            *("generate", "--path", str(path), "--output-path", str(tmp / "client")),
            *("--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"PATH": f"{bindir}:{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr, tmp / "client"


def _operations(contract: dict[str, object]) -> set[str]:
    paths = contract["paths"]
    assert isinstance(paths, dict)
    return {op["operationId"] for ops in paths.values() for op in ops.values()}


@pytest.mark.parametrize("name", ["merged", *SERVICES])
def test_a_client_is_generated_without_warnings(name: str, tmp_path: Path) -> None:
    contract = (
        _merged()
        if name == "merged"
        else json.loads((ROOT / "services" / name / "openapi.json").read_text())
    )
    output, client = _generate(contract, tmp_path)
    assert "Warning" not in output, output
    generated = {p.stem for p in (client / "api").rglob("*.py") if p.stem != "__init__"}
    missing = {op for op in _operations(contract) if op not in generated}
    assert not missing, sorted(missing)
