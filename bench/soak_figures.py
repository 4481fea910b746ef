"""The soak's figures: latency and status per operation, resident memory per process, and the
printed report."""

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import ProcessError


@dataclass
class Figures:
    """Latencies and statuses per operation; anything unexpected, described."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    refused: Counter[str] = field(default_factory=Counter)  # 4xx the workload expects
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def record(self, op: str, seconds: float, status: int, *, expected: bool = True) -> None:
        self.latencies[op].append(seconds)
        self.statuses[op][status] += 1
        if expected and 400 <= status < 500:
            self.refused[op] += 1

    def wrong(self, op: str, what: str) -> None:
        self.unexpected[op] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{op}: {what}")


@dataclass
class Memory:
    """Resident memory (kB) of each process, sampled every few seconds."""

    pids: Mapping[str, int]
    samples: list[tuple[float, dict[str, int]]] = field(default_factory=list)

    def sample(self, elapsed: float) -> None:
        self.samples.append((elapsed, {name: rss_kb(pid) for name, pid in self.pids.items()}))


def rss_kb(pid: int) -> int:
    """VmRSS from /proc/<pid>/status; a process that ended has none."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ProcessError(f"process {pid} has ended")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def operations_table(figures: Figures, seconds: float) -> list[str]:
    """Per operation; `4xx` counts the refusals the workload expects (a 412 on a stale ETag, a
    429 sent again), `unexpected` every other answer that is not the one expected."""
    lines = [f"{'operation':<42} {'count':>6} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
             f"{'5xx':>4} {'4xx':>4} {'unexpected':>10}"]  # fmt: skip
    for op in sorted(figures.latencies):
        times, statuses = figures.latencies[op], figures.statuses[op]
        errors = sum(n for status, n in statuses.items() if status >= 500)
        refused = figures.refused[op]
        lines.append(
            f"{op:<42} {len(times):>6} {len(times) / seconds:>6.1f} "
            f"{percentile(times, 0.5) * 1000:>7.1f} {percentile(times, 0.99) * 1000:>7.1f} "
            f"{errors:>4} {refused:>4} {figures.unexpected[op]:>10}"
        )
    total = sum(len(t) for t in figures.latencies.values())
    lines.append(f"{'all':<42} {total:>6} {total / seconds:>6.1f}")
    return lines


def memory_table(memory: Memory, warmup: float, cpu: Mapping[str, float]) -> list[str]:
    """RSS after warm-up and at the end, the growth per minute after warm-up (least squares)."""
    lines = [f"{'process':<9} {'warm-up MB':>10} {'end MB':>8} {'max MB':>8} "
             f"{'growth MB':>10} {'MB/min':>7} {'CPU s':>7}"]  # fmt: skip
    after = [(t, s) for t, s in memory.samples if t >= warmup] or memory.samples[-1:]
    for name in memory.pids:
        warm, end = after[0][1][name] / 1024, after[-1][1][name] / 1024
        peak = max(s[name] for _, s in memory.samples) / 1024
        slope = 0.0
        if len(after) >= 3:
            xs, ys = [t / 60 for t, _ in after], [s[name] / 1024 for _, s in after]
            slope = statistics.linear_regression(xs, ys).slope
        lines.append(
            f"{name:<9} {warm:>10.1f} {end:>8.1f} {peak:>8.1f} {end - warm:>+10.1f} "
            f"{slope:>+7.2f} {cpu[name]:>7.1f}"
        )
    return lines


def report(
    title: str, figures: Figures, memory: Memory, warmup: float, seconds: float,
    cpu: Mapping[str, float],
) -> str:  # fmt: skip
    server_errors = sum(n for c in figures.statuses.values() for s, n in c.items() if s >= 500)
    unexpected = sum(figures.unexpected.values())
    return "\n".join(
        [
            title,
            "",
            *operations_table(figures, seconds),
            "",
            *memory_table(memory, warmup, cpu),
            "",
            f"5xx answers: {server_errors}; unexpected answers: {unexpected}",
            *(f"  {example}" for example in figures.examples),
        ]
    )


def failed(figures: Figures) -> bool:
    """Any 5xx, any answer the workload did not expect (a failed replay included)."""
    return bool(figures.unexpected) or any(s >= 500 for c in figures.statuses.values() for s in c)
