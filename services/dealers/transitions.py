"""What every state change of this service shares (a dealer's lifecycle stage, an outlet's
supplying dealer, an order's status): the 409s for the current state and for a move the current
state doesn't allow, each naming `#/to`, and a date never before the previous change."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

from chassis.errors import Conflict, FieldError, field_error

When = TypeVar("When", date, datetime)


def already(what: str, current: object) -> Conflict:
    """The record is already where the move would take it."""
    detail = f"is the current state of the {what.lower()}"
    return Conflict(
        f"{what} is already {current}.", field="to", errors=[FieldError("#/to", detail)]
    )


def not_allowed(what: str, current: object, target: object, allowed: Iterable[object]) -> Conflict:
    """A move the current state doesn't allow; the problem says which moves are (`allowed`, in
    the order to show them)."""
    moves = ", ".join(str(a) for a in allowed) or "none"
    detail = f"may not be {target} now: the moves allowed are to {moves}"
    return Conflict(
        f"{what} is {current}: it can't become {target} (allowed: {moves}).",
        field="to",
        errors=[FieldError("#/to", detail)],
    )


def not_before(when: When, previous: When | None, pointer: str, what: str) -> None:
    """A change is recorded in order: refuse one dated before the previous change."""
    if previous is not None and when < previous:
        raise field_error(
            pointer, f"is before the {what}'s previous change ({previous.isoformat()})"
        )
