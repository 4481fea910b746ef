"""State changes in the platform's one shape: `POST /v1/<collection>/{id}/transitions` with `to`
(the new state) and the fields that target needs, answered with the record in its new state."""

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import RootModel, ValidationError, ValidatorFunctionWrapHandler, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from chassis.errors import Conflict, FieldError, field_error
from chassis.etag import check_if_match
from chassis.types import RequestModel

TAG_ERRORS = ("union_tag_invalid", "union_tag_not_found")


def check_move(what: str, current: str, target: str, moves: Mapping[Any, Collection[Any]]) -> None:
    """409 naming `#/to` when the record is already there or its state doesn't allow the move."""
    if target == current:
        detail = f"is the current state ({current})"
        raise Conflict(f"{what} is already {current}.", field="to", errors=[_to(detail)])
    allowed = ", ".join(sorted(moves.get(current, ()))) or "none"
    if target not in moves.get(current, ()):
        raise Conflict(
            f"{what} is {current}: it can't become {target} (allowed from {current}: {allowed}).",
            field="to",
            errors=[_to(f"allowed from {current}: {allowed}")],
        )


def _to(detail: str) -> FieldError:
    return FieldError("#/to", detail)


def check_version(if_match: str | None, version: int) -> None:
    """`If-Match` is optional on a transition (the states already refuse a stale move); when
    sent it must name the current version."""
    if if_match:
        check_if_match(if_match, version)


def when(at: datetime | None, previous: datetime | None, pointer: str = "#/at") -> datetime:
    """When the change happened: as given, else now; never before the record's previous change."""
    if at is None:
        now = datetime.now(UTC)
        return now if previous is None else max(now, previous)
    at = at.astimezone(UTC)
    if previous is not None and at < previous:
        raise field_error(
            pointer, f"is before the record's previous change ({previous.isoformat()})"
        )
    return at


class StatusByTransition(RequestModel):
    """A PATCH body whose record's `status` moves only by its transitions: a `status` sent
    here is a 422 on `#/status` naming the path (`TRANSITIONS`)."""

    TRANSITIONS: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _status_moves_by_transition(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" in data:
            error = PydanticCustomError(
                "use_transitions", "changes only through {route}", {"route": cls.TRANSITIONS}
            )
            detail = InitErrorDetails(type=error, loc=("status",), input=data["status"])
            raise ValidationError.from_exception_data(cls.__name__, [detail])
        return data


Variants = TypeVar("Variants")


class ByTarget(RootModel[Variants]):
    """A transition body that is one of several models told apart by `to`
    (`Annotated[A | B, Field(discriminator="to")]`). Errors point where a client looks:
    `#/latitude`, not `#/checked_in/latitude`; an unknown `to` is `#/to`."""

    @model_validator(mode="wrap")
    @classmethod
    def _flat_pointers(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _untagged(value, handler)


def _untagged(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as exc:
        details = [_untag(error, isinstance(value, dict)) for error in exc.errors()]
        raise ValidationError.from_exception_data(exc.title, details) from None


def _untag(error: Any, is_object: bool) -> InitErrorDetails:
    loc, message = tuple(error["loc"]), str(error["msg"])
    if error["type"] in TAG_ERRORS:
        loc = ("to",) if is_object else ()
        expected = error.get("ctx", {}).get("expected_tags")
        message = f"must be one of {expected}" if expected else "Field required"
    else:
        loc = loc[1:]
    escaped = message.replace("{", "{{").replace("}", "}}")
    return InitErrorDetails(
        type=PydanticCustomError(error["type"], escaped), loc=loc, input=error.get("input")
    )
