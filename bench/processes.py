"""The processes a benchmark starts: uvicorn servers with logs, readiness, CPU time, cleanup."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO

import httpx

REPO = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


class ProcessError(Exception):
    """A process died or never became ready; the message carries the end of its log."""


class Processes:
    """The processes this run started; `stop` ends each of them, by pid, and only them."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> int:
        log = (self.log_dir / f"{name}.log").open("wb")
        self._logs.append(log)
        # A session of its own: Ctrl-C reaches only the benchmark, which then stops them in order.
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._running[name] = proc
        return proc.pid

    def check_alive(self, name: str) -> None:
        proc = self._running[name]
        if proc.poll() is not None:
            raise ProcessError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(
        self, name: str, url: str, *, any_status: bool = False, timeout: float = 60
    ) -> None:
        """Wait for `url` to answer 200 (or anything, with `any_status`) while `name` lives."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                self.check_alive(name)
                try:
                    response = client.get(url)
                except httpx.TransportError as exc:
                    last = repr(exc)
                else:
                    if response.status_code == 200 or any_status:
                        return
                    last = f"{response.status_code} {response.text[:300]}"
                time.sleep(0.2)
        raise ProcessError(f"{name} not ready at {url}: {last}\n{self.log_tail(name)}")

    def stop(self) -> None:
        for proc in self._running.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in self._running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._running.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()


def exit_on_signals() -> None:
    """Make SIGINT raise KeyboardInterrupt (even when started in the background, where it is
    ignored) and SIGTERM and SIGHUP raise SystemExit, so that `finally` stops the processes."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_argv(factory: str, port: int) -> list[str]:
    """One worker, uvloop, httptools, no access log: the benchmark configuration."""
    options = "--workers 1 --loop uvloop --http httptools --no-access-log --log-level warning"
    return [
        *(sys.executable, "-m", "uvicorn", "--factory", factory),
        *("--host", "127.0.0.1", "--port", str(port), *options.split()),
    ]


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat (fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 on: the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK
