"""Docs stay true: relative links resolve inside the repository, nothing points outside it, and
the tables of `docs/architecture.md` match the contracts, the routes and the models."""

import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.routing import iter_route_contexts

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
SERVICES = ("regions", "dealers", "advisors")
SKIPPED_DIRS = {"var", "node_modules", "__pycache__"}
# Files outside the repository that no doc, contract or description may lean on.
OUTSIDE = ("../shared", "DOMAIN.md", "DESIGN.md")
SOURCE_DIRS = ("chassis", "services", "gateway", "scripts", "bench")

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


# --- Markdown ---------------------------------------------------------------------------------


def markdown_files() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.md")):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in SKIPPED_DIRS for p in parts):
            continue
        found.append(path)
    return found


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a Markdown file outside fenced code blocks, with their numbers."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the text lower-cased, punctuation dropped (letters of any
    script, digits, `_` and `-` kept), spaces turned into hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a file, numbering repeats as GitHub does (`-1`, `-2` …)."""
    seen: dict[str, int] = {}
    out = set()
    for _, line in prose_lines(path):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        out.add(base if count == 0 else f"{base}-{count}")
    return out


def links(path: Path) -> Iterator[tuple[int, str]]:
    """The link targets of a file's prose (inline links, images and reference definitions),
    ignoring code blocks and code spans."""
    for number, line in prose_lines(path):
        text = CODE_SPAN.sub("", line)
        for match in INLINE_LINK.finditer(text):
            yield number, match.group(1)
        ref = REFERENCE.match(text)
        if ref:
            yield number, ref.group(1)


def broken(source: Path, target: str) -> str | None:
    """Why a relative link from `source` does not resolve, or None when it does."""
    file_part, _, anchor = target.partition("#")
    resolved = (source.parent / unquote(file_part)).resolve() if file_part else source
    if not resolved.is_relative_to(ROOT):
        return "points outside the repository"
    if not resolved.exists():
        return "names no file in the repository"
    if anchor and resolved.suffix == ".md" and unquote(anchor) not in anchors(resolved):
        return f"names no heading of {resolved.relative_to(ROOT)}"
    return None


def test_markdown_files_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in markdown_files()}
    assert {"README.md", "docs/architecture.md", "docs/domain.md"} <= names


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(path: Path) -> None:
    problems = []
    for number, target in links(path):
        if not target or SCHEME.match(target):
            continue
        why = broken(path, target)
        if why:
            problems.append(f"{path.relative_to(ROOT)}:{number}: {target} {why}")
    assert not problems, "\n".join(problems)


def test_the_link_checker_catches_what_it_should(tmp_path: Path) -> None:
    """The checker itself: slugs as GitHub makes them, and links it must find or ignore."""
    assert slug("Rules that keep the shape") == "rules-that-keep-the-shape"
    assert slug("The field force: customer advisors (客户顾问)") == (
        "the-field-force-customer-advisors-客户顾问"
    )
    assert slug("`/v1/orders` and [links](x.md)") == "v1orders-and-links"
    doc = ROOT / "docs" / "architecture.md"
    assert broken(doc, "domain.md") is None
    assert broken(doc, "../README.md#webhooks") is None
    assert broken(doc, "../README.md#no-such-heading") is not None
    assert broken(doc, "missing.md") is not None
    assert broken(doc, "../../outside.md") is not None
    sample = tmp_path / "sample.md"
    sample.write_text(
        "# Title\n[a](one.md) `[b](two.md)` ![c](three.png)\n```\n[d](four.md)\n```\n"
        "[ref]: five.md\n## Title\n"
    )
    assert [t for _, t in links(sample)] == ["one.md", "three.png", "five.md"]
    assert anchors(sample) == {"title", "title-1"}


def documents_and_contracts() -> list[Path]:
    contracts = [*ROOT.glob("services/*/openapi.json"), ROOT / "gateway" / "openapi.json"]
    sources = [
        p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py") if "__pycache__" not in p.parts
    ]
    return [*markdown_files(), *sorted(contracts), *sorted(sources)]


def test_nothing_points_outside_the_repository() -> None:
    """Docs, contracts and the code that writes the contracts' descriptions say things in the
    project's own words, never by reference to files the repository doesn't have."""
    problems = []
    for path in documents_and_contracts():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for word in OUTSIDE:
                if word in line:
                    problems.append(f"{path.relative_to(ROOT)}:{number}: mentions {word}")
    assert not problems, "\n".join(problems)


# --- the tables of docs/architecture.md -------------------------------------------------------


def table(header: str) -> list[tuple[int, list[str]]]:
    """The rows (line number, cells) of the Markdown table of `ARCHITECTURE` with this header."""
    lines = ARCHITECTURE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == header)
    rows = []
    for number in range(start + 2, len(lines)):
        line = lines[number].strip()
        if not line.startswith("|"):
            break
        rows.append((number + 1, [cell.strip() for cell in line.strip("|").split("|")]))
    return rows


def code_spans(cell: str) -> list[str]:
    return [match.group(2) for match in CODE_SPAN.finditer(cell)]


def segments(path: str) -> tuple[str, ...]:
    """A path's segments, every parameter written `{}` (`{id}` and `{region_id}` alike)."""
    path = path.split("?", 1)[0].strip("/")
    return tuple("{}" if s.startswith("{") else s for s in path.split("/"))


@dataclass(frozen=True)
class Row:
    line: int
    path: tuple[str, ...]
    service: str
    package: str  # a module: `services.regions.regions`, `chassis.outbox`
    sub_paths: tuple[tuple[str, ...], ...]

    @property
    def shown(self) -> str:
        return "/" + "/".join(self.path)

    def covers(self, path: tuple[str, ...]) -> bool:
        return path[: len(self.path)] == self.path


def collection_rows() -> list[Row]:
    rows = []
    for line, cells in table("| collection | service | package | what |"):
        collection, service, package, what = cells
        (path,) = code_spans(collection)
        (module,) = code_spans(package)
        module = module.strip("/").removesuffix(".py").replace("/", ".")
        subs = tuple(segments(path) + segments(s) for s in code_spans(what) if s.startswith("/"))
        rows.append(Row(line, segments(path), service, module, subs))
    return rows


def contract_paths() -> dict[str, set[tuple[str, ...]]]:
    """Each contract's `/v1` paths: the three services' and the gateway's own."""
    files = {s: ROOT / "services" / s / "openapi.json" for s in SERVICES}
    files["gateway"] = ROOT / "gateway" / "openapi.json"
    out = {}
    for owner, file in files.items():
        doc = json.loads(file.read_text(encoding="utf-8"))
        out[owner] = {segments(p) for p in doc["paths"] if p.startswith("/v1/")}
    return out


def owner(rows: list[Row], path: tuple[str, ...]) -> Row | None:
    """The row naming this path: the longest row path it starts with."""
    covering = [row for row in rows if row.covers(path)]
    return max(covering, key=lambda row: len(row.path), default=None)


def where(row: Row) -> str:
    return f"docs/architecture.md:{row.line}: {row.shown}"


def test_the_collection_table_names_every_collection_once() -> None:
    rows = collection_rows()
    shown = [row.path for row in rows]
    repeated = {"/" + "/".join(p) for p in shown if shown.count(p) > 1}
    assert not repeated, f"rows repeated: {sorted(repeated)}"
    in_contracts = {p[:2] for paths in contract_paths().values() for p in paths}
    in_table = {p for p in shown if len(p) == 2}
    missing = sorted("/" + "/".join(p) for p in in_contracts - in_table)
    stale = sorted("/" + "/".join(p) for p in in_table - in_contracts)
    assert not missing and not stale, (
        f"collections of the contracts missing from the table: {missing}; "
        f"rows no contract has: {stale}"
    )


def test_each_row_of_the_collection_table_is_in_its_services_contract() -> None:
    contracts = contract_paths()
    problems = []
    for row in collection_rows():
        paths = contracts.get(row.service)
        if paths is None:
            problems.append(f"{where(row)}: {row.service} is not a service")
            continue
        for sub in (row.path, *row.sub_paths):
            if not any(p[: len(sub)] == sub for p in paths):
                shown = "/" + "/".join(sub)
                problems.append(f"{where(row)}: {shown} is not in the {row.service} contract")
    assert not problems, "\n".join(problems)


def test_every_contract_path_belongs_to_the_row_of_its_service() -> None:
    rows = collection_rows()
    problems = []
    for service, paths in contract_paths().items():
        for path in sorted(paths):
            row = owner(rows, path)
            shown = "/" + "/".join(path)
            if row is None:
                problems.append(f"{shown} ({service}) has no row")
            elif row.service != service:
                problems.append(f"{shown} is served by {service}, {where(row)} says {row.service}")
    assert not problems, "\n".join(problems)


def api_routes(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, str, str]]:
    """(service, methods, path, endpoint module) of every route of the three services' apps and
    of the gateway's admin API, as FastAPI resolves included routers."""
    apps = {}
    for service in SERVICES:
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", "sqlite+aiosqlite:///:memory:")
        apps[service] = importlib.import_module(f"services.{service}.app").create_app()
    monkeypatch.setenv("GATEWAY_DATABASE_URL", "sqlite+aiosqlite:///:memory:")
    apps["gateway"] = importlib.import_module("gateway.app").create_app().gateway.admin
    for service, app in apps.items():
        for route in iter_route_contexts(app.routes):
            if route.path and route.endpoint is not None:
                methods = ", ".join(sorted(route.methods or ()))
                yield service, methods, route.path, route.endpoint.__module__


def test_every_route_is_served_by_the_package_its_row_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = collection_rows()
    problems = []
    seen = set()
    for service, methods, path, module in api_routes(monkeypatch):
        if not path.startswith("/v1/"):
            continue
        seen.add(service)
        row = owner(rows, segments(path))
        label = f"{methods} {path} ({module})"
        if row is None:
            problems.append(f"{label} has no row")
        elif module != row.package and not module.startswith(row.package + "."):
            problems.append(f"{label} is not in {row.package} ({where(row)})")
    assert seen == {*SERVICES, "gateway"}, f"no /v1 routes found for {set(SERVICES) - seen}"
    assert not problems, "\n".join(problems)


def test_the_data_table_lists_each_databases_tables() -> None:
    modules = {s: f"services.{s}.models" for s in SERVICES} | {"gateway": "gateway.models"}
    problems = []
    for line, (process, _database, tables) in table("| process | database | tables |"):
        metadata = importlib.import_module(modules[process]).metadata
        listed, actual = set(code_spans(tables)), set(metadata.tables)
        if listed != actual:
            problems.append(
                f"docs/architecture.md:{line}: {process}: missing {sorted(actual - listed)}, "
                f"not tables {sorted(listed - actual)}"
            )
    assert not problems, "\n".join(problems)
