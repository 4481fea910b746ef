"""docker-compose.yml, the Dockerfile and the PostgreSQL init script checked against the code:
ports, settings fields behind every environment variable, databases, health checks, wiring."""

import importlib
import importlib.util
import json
import os
import re
import shlex
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parents[2]
PORTS = {"gateway": 8000, "regions": 8001, "dealers": 8002, "advisors": 8003}
SERVICES = ("regions", "dealers", "advisors")
APPS = (*SERVICES, "gateway")
SETTINGS = {
    "regions": ("services.regions.settings", "RegionsSettings"),
    "dealers": ("services.dealers.settings", "DealersSettings"),
    "advisors": ("services.advisors.settings", "AdvisorsSettings"),
    "gateway": ("gateway.settings", "GatewaySettings"),
}
SECRET_WORDS = ("KEY", "PASSWORD", "SECRET", "TOKEN")
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[?-])?(?P<arg>[^}]*)\}")


# --- readers ------------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def service(name: str) -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    return dict(services[name])


def environment(name: str) -> dict[str, str]:
    """A compose service's environment (map or list form), not interpolated."""
    env = service(name).get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def interpolate(value: str) -> str:
    """Compose interpolation as if no variable were set but required ones, which stand for a
    placeholder of their name: `${A:-x}` is x, `${A:?msg}` is VAR_A."""

    def substitute(m: re.Match[str]) -> str:
        return m["arg"] if m["op"] in (":-", "-") else f"VAR_{m['name']}"

    return VARIABLE.sub(substitute, value).replace("$$", "$")


def command(name: str) -> str:
    cmd = service(name)["command"]
    return cmd if isinstance(cmd, str) else " ".join(cmd)


def settings_class(name: str) -> type[BaseSettings]:
    module, cls = SETTINGS[name]
    found: type[BaseSettings] = getattr(importlib.import_module(module), cls)
    return found


def env_prefix(name: str) -> str:
    return str(settings_class(name).model_config.get("env_prefix", ""))


def env_names(name: str) -> set[str]:
    """The environment variables the settings class of `name` reads."""
    cls = settings_class(name)
    prefix = env_prefix(name)
    names = set()
    for field_name, info in cls.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else None
        names.add((alias or f"{prefix}{field_name}").upper())
    return names


def database_url(name: str) -> URL:
    return make_url(interpolate(environment(name)[f"{env_prefix(name)}DATABASE_URL"]))


def init_sql_databases() -> set[str]:
    sql = (ROOT / "deploy" / "postgres" / "init.sql").read_text()
    sql = re.sub(r"--[^\n]*", "", sql)
    return {m.lower() for m in re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?", sql, re.IGNORECASE)}


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, args = line.strip().partition(" ")
            out.append((instruction.upper(), args.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile()
    last_from = max(i for i, (ins, _) in enumerate(instructions) if ins == "FROM")
    return instructions[last_from:]


# --- compose: services and ports -----------------------------------------------------------


def test_compose_runs_the_four_processes_postgres_and_redis() -> None:
    assert set(compose()["services"]) >= {*APPS, "postgres", "redis"}


@pytest.mark.parametrize("name", APPS)
def test_port_is_published_and_served(name: str) -> None:
    port = PORTS[name]
    published = [str(p) for p in service(name).get("ports", [])]
    assert published == [f"{port}:{port}"]
    args = shlex.split(command(name))
    assert args[args.index("--port") + 1] == str(port)
    assert args[args.index("--host") + 1] == "0.0.0.0"


@pytest.mark.parametrize("name", APPS)
def test_command_migrates_then_serves_the_app_factory(name: str) -> None:
    module = name if name == "gateway" else f"services.{name}"
    cmd = command(name)
    migrate = f"python -m {module} migrate"
    serve = f"uvicorn --factory {module}.app:create_app"
    assert migrate in cmd and serve in cmd
    assert cmd.index(migrate) < cmd.index("&&") < cmd.index(serve), "serve only once migrated"
    assert f"exec {serve}" in cmd, "uvicorn replaces the shell, so that it receives SIGTERM"
    assert importlib.util.find_spec(f"{module}.__main__") is not None
    assert importlib.util.find_spec(f"{module}.app") is not None


def test_app_services_share_one_image_built_from_the_repository() -> None:
    images = {service(name).get("image") for name in APPS}
    builds = {json.dumps(service(name).get("build"), sort_keys=True) for name in APPS}
    assert len(images) == 1 and None not in images
    assert builds == {json.dumps(".")}


# --- compose: environment against the settings classes -------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_settings_class_has_the_expected_prefix(name: str) -> None:
    assert env_prefix(name) == f"{name.upper()}_"
    assert "database_url" in settings_class(name).model_fields


@pytest.mark.parametrize("name", APPS)
def test_every_prefixed_variable_names_a_settings_field(name: str) -> None:
    known_prefixes = {env_prefix(app) for app in APPS}
    for var in environment(name):
        prefix = next((p for p in known_prefixes if var.startswith(p)), None)
        if prefix is None:
            continue
        assert prefix == env_prefix(name), f"{name} is given another process's {var}"
        assert var in env_names(name), f"{var} is not a field of {settings_class(name).__name__}"


@pytest.mark.parametrize("name", APPS)
def test_required_settings_are_all_given(name: str) -> None:
    prefix = env_prefix(name)
    required = {
        f"{prefix}{f}".upper()
        for f, i in settings_class(name).model_fields.items()
        if i.is_required()
    }
    assert required <= set(environment(name))


@pytest.mark.parametrize("name", APPS)
def test_runs_in_production_with_its_database_and_identity_key(name: str) -> None:
    env = environment(name)
    prefix = env_prefix(name)
    key = "IDENTITY_PRIVATE_KEY" if name == "gateway" else "IDENTITY_PUBLIC_KEY"
    assert env[f"{prefix}ENVIRONMENT"] == "production"
    assert f"{prefix}DATABASE_URL" in env
    assert f"{prefix}{key}" in env
    assert env.get(f"{prefix}DEV_AUTH", "false").lower() in ("false", "0", "no")


@pytest.mark.parametrize("name", APPS)
def test_settings_load_from_the_compose_environment(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings class accepts every value compose gives it (types, validators)."""
    prefix = env_prefix(name)
    for var in list(os.environ):
        if var.startswith(prefix):
            monkeypatch.delenv(var)
    for var, value in environment(name).items():
        monkeypatch.setenv(var, interpolate(value))
    settings = settings_class(name)()
    assert settings.model_dump()["environment"] == "production"


@pytest.mark.parametrize("name", APPS)
def test_secrets_come_from_required_variables(name: str) -> None:
    """A secret is never written in the file, and compose refuses to start without it."""
    for var, value in environment(name).items():
        if any(word in var for word in SECRET_WORDS):
            assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), f"{var} must be ${{VAR:?...}}"
    password = service("postgres")["environment"]["POSTGRES_PASSWORD"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", password)


@pytest.mark.parametrize("name", SERVICES)
def test_services_share_the_gateways_key_pair(name: str) -> None:
    public = VARIABLE.search(environment(name)[f"{env_prefix(name)}IDENTITY_PUBLIC_KEY"])
    private = VARIABLE.search(environment("gateway")["GATEWAY_IDENTITY_PRIVATE_KEY"])
    assert public and private
    assert public["name"].replace("PUBLIC", "") == private["name"].replace("PRIVATE", "")


# --- compose: how the services prove who they are to each other ------------------------------


def peers(name: str) -> dict[str, Any]:
    """The peers a service admits, as compose gives them (variables stand for placeholders)."""
    found: dict[str, Any] = json.loads(environment(name).get(f"{env_prefix(name)}PEERS", "{}"))
    return found


def peer_urls(name: str) -> dict[str, str]:
    found: dict[str, str] = json.loads(environment(name).get(f"{env_prefix(name)}PEER_URLS", "{}"))
    return found


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_signs_with_its_own_private_key(name: str) -> None:
    var = VARIABLE.fullmatch(environment(name)[f"{env_prefix(name)}SERVICE_PRIVATE_KEY"])
    assert var and var["name"] == f"ARS_{name.upper()}_SERVICE_PRIVATE_KEY" and var["op"] == ":?"


@pytest.mark.parametrize("name", SERVICES)
def test_peers_are_trusted_with_their_own_public_key_and_only_to_read_the_feed(name: str) -> None:
    raw = environment(name)[f"{env_prefix(name)}PEERS"]
    admitted = peers(name)
    assert admitted, f"{name} admits no peer"
    for peer, grant in admitted.items():
        assert peer in SERVICES and peer != name
        assert set(grant) == {"public_key", "scopes"}
        assert grant["scopes"] == [f"{name}:events"], "a peer may read the feed and nothing else"
        key = VARIABLE.fullmatch(grant["public_key"])
        assert key and key["op"] == ":?", "a peer's key comes from a required variable"
        assert key["name"] == f"ARS_{peer.upper()}_SERVICE_PUBLIC_KEY"
        # it is the public half of the key the peer signs with
        private = environment(peer)[f"{env_prefix(peer)}SERVICE_PRIVATE_KEY"]
        assert key["name"].replace("PUBLIC", "PRIVATE") in private
    parsed = json.loads(interpolate(raw))  # still JSON once compose has put the keys in
    assert set(parsed) == set(admitted)


@pytest.mark.parametrize("name", SERVICES)
def test_every_feed_a_service_follows_is_reachable_and_granted(name: str) -> None:
    for source, url in peer_urls(name).items():
        assert source in SERVICES and source != name
        assert url == f"http://{source}:{PORTS[source]}"
        assert peers(source).get(name, {}).get("scopes") == [f"{source}:events"], (
            f"{source} does not let {name} read its feed"
        )


def test_every_required_variable_is_explained_in_the_header() -> None:
    header = (ROOT / "docker-compose.yml").read_text().split("\nname:", 1)[0]
    text = json.dumps(compose())
    required = {m["name"] for m in VARIABLE.finditer(text) if m["op"] == ":?"}
    assert {"ARS_DEALERS_SERVICE_PUBLIC_KEY", "ARS_REGIONS_SERVICE_PRIVATE_KEY"} <= required
    for var in required:
        assert var in header, f"{var} is not explained at the top of docker-compose.yml"


# --- compose: databases ---------------------------------------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_database_url_is_postgres_on_a_database_the_init_script_creates(name: str) -> None:
    url = database_url(name)
    postgres_env = service("postgres")["environment"]
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port) == ("postgres", 5432)
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.password == interpolate(postgres_env["POSTGRES_PASSWORD"])
    assert url.database in init_sql_databases()


def test_each_process_has_its_own_database() -> None:
    names = [database_url(name).database for name in APPS]
    assert len(set(names)) == len(names)


def test_init_script_is_mounted_into_postgres() -> None:
    volumes = [str(v) for v in service("postgres").get("volumes", [])]
    assert any(
        v.startswith("./deploy/postgres/init.sql:/docker-entrypoint-initdb.d/") for v in volumes
    )
    assert (ROOT / "deploy" / "postgres" / "init.sql").is_file()


# --- compose: health and start order --------------------------------------------------------


@pytest.mark.parametrize("name", APPS)
def test_healthcheck_probes_its_own_health_route_with_python(name: str) -> None:
    test = service(name)["healthcheck"]["test"]
    probe = " ".join(test) if isinstance(test, list) else str(test)
    assert re.search(rf"http://(127\.0\.0\.1|localhost):{PORTS[name]}/(healthz|readyz)\b", probe)
    assert "python" in probe and "curl" not in probe and "wget" not in probe


@pytest.mark.parametrize("name", ["postgres", "redis"])
def test_backing_services_have_healthchecks(name: str) -> None:
    assert service(name)["healthcheck"]["test"]


def depends_on(name: str) -> dict[str, str]:
    deps = service(name).get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {dep: spec.get("condition", "service_started") for dep, spec in deps.items()}


@pytest.mark.parametrize("name", SERVICES)
def test_services_wait_for_a_healthy_postgres(name: str) -> None:
    assert depends_on(name).get("postgres") == "service_healthy"


def test_gateway_waits_for_healthy_upstreams_and_redis() -> None:
    deps = depends_on("gateway")
    for dep in (*SERVICES, "redis"):
        assert deps.get(dep) == "service_healthy", dep


def test_every_healthy_condition_has_a_healthcheck() -> None:
    for name in compose()["services"]:
        for dep, condition in depends_on(name).items():
            if condition == "service_healthy":
                assert service(dep).get("healthcheck"), f"{name} waits on {dep}'s health"


# --- compose: the gateway's upstreams -------------------------------------------------------


@pytest.mark.parametrize("upstream", SERVICES)
def test_gateway_reaches_each_service_by_name_and_port(upstream: str) -> None:
    var = f"GATEWAY_{upstream.upper()}_URL"
    assert var in env_names("gateway")
    assert environment("gateway")[var] == f"http://{upstream}:{PORTS[upstream]}"


def test_gateway_uses_the_redis_service() -> None:
    assert "GATEWAY_REDIS_URL" in env_names("gateway")
    url = urlsplit(environment("gateway")["GATEWAY_REDIS_URL"])
    assert (url.scheme, url.hostname, url.port) == ("redis", "redis", 6379)


# --- Dockerfile -----------------------------------------------------------------------------


def test_image_is_python_311_slim() -> None:
    assert final_stage()[0][1].split()[0] == "python:3.11-slim"
    assert all(args.split()[0] == "python:3.11-slim" for ins, args in dockerfile() if ins == "FROM")


def test_project_is_installed_with_the_pinned_constraints() -> None:
    runs = " ".join(args for ins, args in dockerfile() if ins == "RUN")
    assert re.search(r"pip install (.* )?-c constraints\.txt (.* )?\.(\s|$)", runs)
    assert (ROOT / "constraints.txt").is_file(), "the Dockerfile installs with constraints.txt"


def test_files_the_dockerfile_copies_exist() -> None:
    for ins, args in dockerfile():
        if ins == "COPY" and "--from" not in args:
            sources = [a for a in args.split() if not a.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), source


def test_every_project_package_is_in_the_final_image() -> None:
    """Each package pyproject installs is also copied as source (Alembic trees are data)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {
        source.rstrip("/")
        for ins, args in final_stage()
        if ins == "COPY" and "--from" not in args
        for source in [a for a in args.split() if not a.startswith("--")][:-1]
    }
    assert {p.rstrip("*") for p in patterns} <= copied


def test_runs_as_a_non_root_user() -> None:
    users = [args for ins, args in final_stage() if ins == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_exposes_the_four_ports() -> None:
    exposed = {
        int(p.split("/")[0]) for ins, args in final_stage() if ins == "EXPOSE" for p in args.split()
    }
    assert exposed >= set(PORTS.values())


def test_default_command_serves_the_gateway() -> None:
    cmds = [args for ins, args in final_stage() if ins == "CMD"]
    assert len(cmds) == 1
    argv = json.loads(cmds[0])  # exec form: uvicorn is PID 1 and gets SIGTERM
    assert argv[0] == "uvicorn" and "--factory" in argv and "gateway.app:create_app" in argv
    assert argv[argv.index("--port") + 1] == str(PORTS["gateway"])
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
