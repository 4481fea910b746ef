"""Recursive queries over the region tree (SQLite and PostgreSQL alike): a subtree, its branches
under a root, and the path up to the top."""

from typing import Any
from uuid import UUID

from sqlalchemy import CTE, Table, literal, select

from services.regions.models import Region

REGIONS: Table = Region.__table__  # type: ignore[attr-defined]


def subtree(root_id: UUID, name: str = "subtree") -> CTE:
    """The ids of `root_id` and of every region below it."""
    top = select(REGIONS.c.id).where(REGIONS.c.id == root_id).cte(name, recursive=True)
    child = REGIONS.alias(f"{name}_child")
    return top.union_all(select(child.c.id).where(child.c.parent_id == top.c.id))


def branches(root_id: UUID) -> CTE:
    """(id, branch) for the subtree of `root_id`: the root is its own branch, and everything
    else belongs to the branch of the root's child it descends from."""
    r = REGIONS
    start = select(r.c.id.label("id"), r.c.id.label("branch")).where(
        (r.c.id == root_id) | (r.c.parent_id == root_id)
    )
    cte = start.cte("branches", recursive=True)
    child = r.alias("branch_child")
    step = (
        select(child.c.id, cte.c.branch)
        .join(cte, child.c.parent_id == cte.c.id)
        .where(cte.c.id != root_id)
    )
    return cte.union_all(step)


def ancestors(region_id: UUID) -> CTE:
    """(id, depth) from `region_id` (depth 0) up to its top region."""
    r = REGIONS
    start = select(r.c.id, r.c.parent_id, literal(0).label("depth")).where(r.c.id == region_id)
    cte = start.cte("ancestors", recursive=True)
    parent = r.alias("ancestor_parent")
    step = select(parent.c.id, parent.c.parent_id, (cte.c.depth + 1).label("depth")).join(
        cte, parent.c.id == cte.c.parent_id
    )
    return cte.union_all(step)


def ids_in(cte: CTE) -> Any:
    return select(cte.c.id)
