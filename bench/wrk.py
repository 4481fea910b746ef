"""Driving wrk (the HTTP load generator, `apt-get install -y wrk`) and reading its figures.

A generated Lua script spreads requests over a list of paths and prints one machine-readable
line at the end, so nothing depends on the layout of wrk's human-readable report.
"""

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "wrk is not installed: apt-get install -y wrk"

SCRIPT = """\
local paths = {%(paths)s}
local n = #paths
%(headers)s
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(seed or 1)
end
function request()
  return wrk.format("GET", paths[math.random(n)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_RESULT %%d %%d %%.1f %%.1f %%d %%d %%d %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


class WrkError(Exception):
    """wrk failed or printed no result."""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    bad_status: int  # responses that were not 2xx or 3xx
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII text is a valid Lua string literal


def script(paths: Sequence[str], headers: Mapping[str, str]) -> str:
    """A wrk script: GET a random one of `paths` with `headers`; print WRK_RESULT when done."""
    header_lines = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
    )
    return SCRIPT % {"paths": ", ".join(map(_lua_string, paths)), "headers": header_lines}


def run(
    base_url: str, script_path: Path, *, duration: int, connections: int, threads: int
) -> WrkResult:
    options = f"-t{threads} -c{connections} -d{duration}s --timeout 10s".split()
    argv = ["wrk", *options, "-s", str(script_path), base_url]
    done = subprocess.run(argv, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise WrkError(
            f"wrk {base_url} exited with {done.returncode}: {done.stderr or done.stdout}"
        )
    return parse(done.stdout)


def parse(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith("WRK_RESULT "):
            requests, duration_us, p50_us, p99_us, status, *socket = line.split()[1:]
            return WrkResult(
                requests=int(requests),
                duration_s=int(duration_us) / 1e6,
                p50_ms=float(p50_us) / 1000,
                p99_ms=float(p99_us) / 1000,
                bad_status=int(status),
                socket_errors=sum(map(int, socket)),
            )
    raise WrkError(f"no WRK_RESULT line in wrk's output:\n{output}")
