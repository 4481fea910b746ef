"""Start and stop the four processes (three services and the gateway) on chosen ports: used by
`make run`, the end-to-end tests and the benchmarks."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("regions", "dealers", "advisors")
DEFAULT_PORTS = {"gateway": 8000, "regions": 8001, "dealers": 8002, "advisors": 8003}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def app_target(name: str) -> str:
    return "gateway.app:create_app" if name == "gateway" else f"services.{name}.app:create_app"


@dataclass
class Stack:
    """The processes of one deployment on this machine."""

    database_urls: Mapping[str, str]
    ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    extra_env: Mapping[str, str] = field(default_factory=dict)
    quiet: bool = False
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in SERVICES:
            env[f"{name.upper()}_DATABASE_URL"] = self.database_urls[name]
            env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
            env.update(self.peer_env(name))
        env["GATEWAY_DATABASE_URL"] = self.database_urls["gateway"]
        env.update(self.extra_env)
        return env

    def peer_env(self, name: str) -> dict[str, str]:
        """Development peers: each service admits the others to its feed (and to reading the
        records they refer to), each with its development key, and knows where they listen."""
        others = [o for o in SERVICES if o != name]
        peers = {o: {"scopes": [f"{name}:events"]} for o in others}
        urls = {o: f"http://127.0.0.1:{self.ports[o]}" for o in others}
        prefix = name.upper()
        return {f"{prefix}_PEERS": json.dumps(peers), f"{prefix}_PEER_URLS": json.dumps(urls)}

    def migrate(self) -> None:
        for module in (*(f"services.{name}" for name in SERVICES), "gateway"):
            subprocess.run(
                [sys.executable, "-m", module, "migrate"],
                env=self.env(),
                cwd=ROOT,
                check=True,
                capture_output=self.quiet,
            )

    def command(self, name: str) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            app_target(name),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.ports[name]),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        if name == "gateway":  # the gateway decides the client address (GATEWAY_TRUSTED_PROXIES)
            command.append("--no-proxy-headers")
        return command

    def start(self, name: str) -> None:
        command = self.command(name)
        output = subprocess.DEVNULL if self.quiet else None
        self.processes[name] = subprocess.Popen(
            command, env=self.env(), cwd=ROOT, stdout=output, stderr=output
        )

    def start_all(self) -> None:
        for name in (*SERVICES, "gateway"):
            self.start(name)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                if httpx.get(f"{self.gateway_url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError("the stack did not become ready")

    def stop(self, name: str) -> None:
        proc = self.processes.pop(name, None)
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)
