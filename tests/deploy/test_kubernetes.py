"""deploy/kubernetes checked offline: every manifest against the Kubernetes JSON schemas
(kubernetes-validate ships them), then the topology against the code and docker-compose.yml:
probes, replicas, autoscalers, migrations Jobs, settings behind every variable, secrets."""

import copy
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.deploy.test_compose import (
    APPS,
    PORTS,
    SECRET_WORDS,
    SERVICES,
    command,
    env_names,
    env_prefix,
    environment,
    settings_class,
)

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
TEMPLATE = K8S / "secret.template.yaml"
SECRET = "ars-secrets"
# The oldest Kubernetes minor the manifests are written for, and the newest schemas shipped.
VERSIONS = ("1.29", kubernetes_validate.utils.latest_version())
# Variables that carry credentials or key material: only ever from the Secret.
SECRET_VARIABLE = re.compile(rf"({'|'.join(SECRET_WORDS)}|DATABASE_URL|REDIS_URL)")
PLACEHOLDER = "REPLACE-ME"
# Key material or a credential written out: a PEM body, an API key, a webhook secret, a password
# in a URL.
LITERAL_SECRETS = (
    re.compile(r"-----BEGIN [A-Z ]*KEY-----\s*[A-Za-z0-9+/=]{16,}"),
    re.compile(r"\barsk_[A-Za-z0-9_-]{8,}"),
    re.compile(r"\bwhsec_[A-Za-z0-9+/=]{8,}"),
    re.compile(r"://[^/\s:@]*:[^/\s@]+@"),
)
Doc = dict[str, Any]


# --- readers ------------------------------------------------------------------------------


def manifest_files() -> list[Path]:
    return sorted(K8S.glob("*.yaml"))


@cache
def documents(path: Path) -> tuple[Doc, ...]:
    return tuple(d for d in yaml.safe_load_all(path.read_text()) if d is not None)


def applied() -> Iterator[Doc]:
    """What `kubectl apply -k` creates: every listed file's objects (not the Secret template)."""
    for name in kustomization()["resources"]:
        yield from documents(K8S / name)


@cache
def kustomization() -> Doc:
    found = [d for d in documents(K8S / "kustomization.yaml") if d["kind"] == "Kustomization"]
    assert len(found) == 1
    return found[0]


def objects(kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in applied() if d["kind"] == kind}


def deployment(name: str) -> Doc:
    return objects("Deployment")[name]


def migration_job(name: str) -> Doc:
    return objects("Job")[f"{name}-migrate"]


def container(workload: Doc) -> Doc:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "one process per pod"
    return dict(containers[0])


def secret_template() -> dict[str, str]:
    (secret,) = documents(TEMPLATE)
    assert (secret["kind"], secret["metadata"]["name"]) == ("Secret", SECRET)
    return {k: str(v) for k, v in secret["stringData"].items()}


def environment_of(workload: Doc) -> dict[str, str]:
    """The container's variables, resolved: a ConfigMap's values, `secret:<key>` for the
    Secret's keys."""
    spec = container(workload)
    maps = objects("ConfigMap")
    env: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        assert "configMapRef" in source, "whole Secrets are not spread into the environment"
        env.update(maps[source["configMapRef"]["name"]]["data"])
    for var in spec.get("env", []):
        if "value" in var:
            env[var["name"]] = str(var["value"])
        elif "secretKeyRef" in var["valueFrom"]:
            ref = var["valueFrom"]["secretKeyRef"]
            assert ref["name"] == SECRET
            env[var["name"]] = f"secret:{ref['key']}"
        else:
            key = var["valueFrom"]["configMapKeyRef"]
            env[var["name"]] = maps[key["name"]]["data"][key["key"]]
    return env


def argv(workload: Doc) -> list[str]:
    spec = container(workload)
    return [*spec.get("command", []), *spec.get("args", [])]


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def module(name: str) -> str:
    return name if name == "gateway" else f"services.{name}"


# --- schemas and the kustomization ----------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_manifest_is_valid_against_the_kubernetes_schemas(path: Path, version: str) -> None:
    docs = [d for d in documents(path) if d["kind"] != "Kustomization"]
    if path.name != "kustomization.yaml":
        assert docs, f"{path.name} holds no object"
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_refuses_a_wrong_manifest() -> None:
    """The check above can fail: an unknown field and a wrong type are refused."""
    broken = copy.deepcopy(deployment("gateway"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)
    broken = copy.deepcopy(deployment("gateway"))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_template() -> None:
    listed = set(kustomization()["resources"])
    present = {p.name for p in manifest_files()} - {"kustomization.yaml"}
    assert listed == present - {TEMPLATE.name}
    assert kustomization()["namespace"] == "ars"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomization_renders_and_the_result_is_valid() -> None:
    done = subprocess.run(
        ["kubectl", "kustomize", str(K8S)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "KUBECONFIG": os.devnull},
    )
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d is not None]
    assert len(rendered) == len(list(applied()))
    for doc in rendered:
        kubernetes_validate.validate(doc, VERSIONS[-1], strict=True)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "ars"


# --- one Deployment per process, from the one image -------------------------------------------


def test_a_deployment_per_process_and_nothing_else() -> None:
    assert set(objects("Deployment")) == set(APPS)


def test_every_process_runs_from_the_one_image() -> None:
    workloads = [*objects("Deployment").values(), *objects("Job").values()]
    assert {container(w)["image"] for w in workloads} == {"ars-platform"}
    assert [i["name"] for i in kustomization()["images"]] == ["ars-platform"]


@pytest.mark.parametrize("name", APPS)
def test_deployment_serves_the_app_factory_on_its_port_with_several_workers(name: str) -> None:
    args = argv(deployment(name))
    assert args[:3] == ["uvicorn", "--factory", f"{module(name)}.app:create_app"]
    assert option(args, "--port") == str(PORTS[name])
    assert option(args, "--host") == "0.0.0.0"
    assert int(option(args, "--workers")) >= 2
    (port,) = container(deployment(name))["ports"]
    assert (port["name"], port["containerPort"]) == ("http", PORTS[name])


@pytest.mark.parametrize("name", APPS)
def test_deployment_keeps_the_composed_server_options(name: str) -> None:
    """uvicorn runs as docker-compose.yml runs it (loop, parser, no access log)."""
    composed = shlex.split(command(name).split("exec ", 1)[1])
    args = argv(deployment(name))
    for flag in ("--loop", "--http"):
        assert option(args, flag) == option(composed, flag)
    assert "--no-access-log" in args


@pytest.mark.parametrize("name", APPS)
def test_deployment_has_replicas_and_rolls_without_losing_capacity(name: str) -> None:
    spec = deployment(name)["spec"]
    assert spec["replicas"] >= 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("name", APPS)
def test_deployment_probes_readiness_and_liveness_on_the_right_paths(name: str) -> None:
    spec = container(deployment(name))
    assert spec["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert spec["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert spec[probe]["httpGet"]["port"] in ("http", PORTS[name])


@pytest.mark.parametrize("name", APPS)
def test_deployment_has_resource_requests_within_limits(name: str) -> None:
    resources = container(deployment(name))["resources"]
    for kind in ("cpu", "memory"):
        assert kind in resources["requests"] and kind in resources["limits"]
    assert quantity(resources["requests"]["cpu"]) <= quantity(resources["limits"]["cpu"])
    assert quantity(resources["requests"]["memory"]) <= quantity(resources["limits"]["memory"])


def quantity(text: str) -> float:
    """A Kubernetes quantity (500m, 2, 512Mi, 1Gi) as a number."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "": 1}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text)).groups()  # type: ignore[union-attr]
    return float(number) * units[unit]


@pytest.mark.parametrize("name", APPS)
def test_pods_run_as_the_images_unprivileged_user(name: str) -> None:
    for workload in (deployment(name), migration_job(name)):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == dockerfile_uid()
        assert container(workload)["securityContext"]["allowPrivilegeEscalation"] is False


def dockerfile_uid() -> int:
    match = re.search(r"useradd [^\n]*--uid (\d+)", (ROOT / "Dockerfile").read_text())
    assert match, "the Dockerfile creates its user with a fixed uid"
    return int(match[1])


# --- Services, autoscalers, disruption budgets ------------------------------------------------


def selects(selector: dict[str, str], workload: Doc) -> bool:
    labels = workload["spec"]["template"]["metadata"]["labels"]
    return all(labels.get(k) == v for k, v in selector.items())


@pytest.mark.parametrize("name", APPS)
def test_a_service_reaches_the_deployments_pods_on_its_port(name: str) -> None:
    service = objects("Service")[name]
    assert selects(service["spec"]["selector"], deployment(name))
    assert not selects(service["spec"]["selector"], migration_job(name))
    (port,) = service["spec"]["ports"]
    assert port["port"] == PORTS[name] and port["targetPort"] in ("http", PORTS[name])
    assert selects(deployment(name)["spec"]["selector"]["matchLabels"], deployment(name))


@pytest.mark.parametrize("name", APPS)
def test_an_autoscaler_targets_the_deployment(name: str) -> None:
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    autoscalers = objects("HorizontalPodAutoscaler").values()
    targeting = [h for h in autoscalers if h["spec"]["scaleTargetRef"] == target]
    assert len(targeting) == 1
    hpa = targeting[0]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    resources = {m["resource"]["name"] for m in hpa["spec"]["metrics"] if m["type"] == "Resource"}
    assert "cpu" in resources
    # utilisation is a share of the request: without one the autoscaler cannot compute it
    assert "cpu" in container(deployment(name))["resources"]["requests"]


@pytest.mark.parametrize("name", APPS)
def test_a_disruption_budget_keeps_a_pod(name: str) -> None:
    budgets = [
        b
        for b in objects("PodDisruptionBudget").values()
        if selects(b["spec"]["selector"]["matchLabels"], deployment(name))
    ]
    assert len(budgets) == 1 and budgets[0]["spec"]["minAvailable"] >= 1


# --- migrations -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_a_job_migrates_each_database(name: str) -> None:
    job = migration_job(name)
    assert argv(job) == ["python", "-m", module(name), "migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
    assert job["spec"]["backoffLimit"] >= 1
    assert "ttlSecondsAfterFinished" in job["spec"], "a finished Job goes, so the next apply can"


@pytest.mark.parametrize("name", APPS)
def test_the_job_runs_with_the_deployments_environment(name: str) -> None:
    """Same settings, same database: the Job migrates what the pods will read."""
    assert environment_of(migration_job(name)) == environment_of(deployment(name))


@pytest.mark.parametrize("name", APPS)
def test_deployments_leave_migrating_to_the_job(name: str) -> None:
    """No pod migrates: replicas starting together would race on the schema."""
    pod = deployment(name)["spec"]["template"]["spec"]
    assert "initContainers" not in pod
    assert "migrate" not in argv(deployment(name))


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_every_composed_variable_is_set(name: str) -> None:
    missing = set(environment(name)) - set(environment_of(deployment(name)))
    assert not missing, f"docker-compose.yml gives {name} {sorted(missing)}"


@pytest.mark.parametrize("name", APPS)
def test_every_variable_names_a_settings_field_of_its_process(name: str) -> None:
    prefixes = {env_prefix(app) for app in APPS}
    for var in environment_of(deployment(name)):
        prefix = next((p for p in prefixes if var.startswith(p)), None)
        assert prefix == env_prefix(name), f"{name} is given {var}"
        assert var in env_names(name), f"{var} is not a field of {settings_class(name).__name__}"


@pytest.mark.parametrize("name", APPS)
def test_required_settings_are_given(name: str) -> None:
    prefix = env_prefix(name)
    cls = settings_class(name)
    required = {f"{prefix}{f}".upper() for f, i in cls.model_fields.items() if i.is_required()}
    assert required <= set(environment_of(deployment(name)))


@pytest.mark.parametrize("name", APPS)
def test_runs_in_production(name: str) -> None:
    env = environment_of(deployment(name))
    assert env[f"{env_prefix(name)}ENVIRONMENT"] == "production"
    assert env.get(f"{env_prefix(name)}DEV_AUTH", "false").lower() in ("false", "0", "no")


@pytest.mark.parametrize("name", APPS)
def test_settings_load_from_the_manifests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings class accepts every value (the Secret's placeholders standing in)."""
    secrets = secret_template()
    prefix = env_prefix(name)
    for var in list(os.environ):
        if var.startswith(prefix):
            monkeypatch.delenv(var)
    for var, value in environment_of(deployment(name)).items():
        monkeypatch.setenv(var, secrets[value[7:]] if value.startswith("secret:") else value)
    settings = settings_class(name)()
    assert settings.model_dump()["environment"] == "production"
    assert make_url(settings.model_dump()["database_url"]).database == name


@pytest.mark.parametrize("upstream", SERVICES)
def test_gateway_reaches_each_service_through_its_service(upstream: str) -> None:
    url = environment_of(deployment("gateway"))[f"GATEWAY_{upstream.upper()}_URL"]
    assert url == f"http://{upstream}:{PORTS[upstream]}"
    assert upstream in objects("Service")


@pytest.mark.parametrize("name", SERVICES)
def test_services_verify_with_the_gateways_key_pair(name: str) -> None:
    service_key = environment_of(deployment(name))[f"{env_prefix(name)}IDENTITY_PUBLIC_KEY"]
    gateway_key = environment_of(deployment("gateway"))["GATEWAY_IDENTITY_PRIVATE_KEY"]
    assert service_key == "secret:identity-public-key"
    assert gateway_key == "secret:identity-private-key"


# --- secrets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_credentials_come_only_from_the_secret(name: str) -> None:
    for workload in (deployment(name), migration_job(name)):
        for var, value in environment_of(workload).items():
            if SECRET_VARIABLE.search(var):
                assert value.startswith("secret:"), f"{var} must come from the Secret"


def test_every_secret_key_used_is_in_the_template_and_each_is_used() -> None:
    used = {
        value[7:]
        for workload in (*objects("Deployment").values(), *objects("Job").values())
        for value in environment_of(workload).values()
        if value.startswith("secret:")
    }
    assert used == set(secret_template())


def test_secret_template_holds_only_placeholders() -> None:
    for key, value in secret_template().items():
        assert PLACEHOLDER in value, f"{key} must be an obvious placeholder"
        assert "-----BEGIN" not in value, f"{key}: no PEM in the template, not even a sample"
    for app in APPS:
        url = make_url(secret_template()[f"{app}-database-url"])
        assert url.drivername == "postgresql+asyncpg" and url.database == app
        assert PLACEHOLDER in str(url.password) and PLACEHOLDER in str(url.host)


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_no_literal_secret_in_the_manifests(path: Path) -> None:
    text = path.read_text()
    if path == TEMPLATE:
        text = text.replace(f":{PLACEHOLDER}-password@", ":@")  # its placeholder passwords
    for pattern in LITERAL_SECRETS:
        assert not pattern.search(text), f"{path.name}: {pattern.pattern}"
    if path != TEMPLATE:
        assert not any(d["kind"] == "Secret" for d in documents(path))


def test_the_literal_secret_check_can_fail() -> None:
    samples = (
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPlaceholderPlaceholder\n",
        "key: arsk_abcdefghijklmnop",
        "url: postgresql+asyncpg://ars:hunter2@db:5432/regions",
    )
    for sample in samples:
        assert any(p.search(sample) for p in LITERAL_SECRETS), sample
