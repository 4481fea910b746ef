"""The chassis field types: trimmed non-empty text, dates in a plausible domain, facts that
can't be in the future, whole-number floats for integers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chassis.types import Date, Name, PastDate, PastTimestamp, RequestModel, Timestamp


class Item(RequestModel):
    name: Name
    count: int = 0
    maybe: int | None = None
    flag: bool = False
    on: Date | None = None
    at: Timestamp | None = None
    happened_on: PastDate | None = None
    happened_at: PastTimestamp | None = None


def _errors(**data: object) -> list[tuple[tuple[object, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        Item.model_validate(data)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\u3000", " \u3000 "])
def test_blank_names_are_refused(blank: str) -> None:
    assert _errors(name=blank)[0][0] == ("name",)


def test_names_are_trimmed() -> None:
    assert Item.model_validate({"name": "\u3000 成都 \t"}).name == "成都"


@pytest.mark.parametrize("field", ["on", "happened_on"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_dates_outside_the_domain_are_refused(field: str, value: str) -> None:
    assert _errors(name="x", **{field: value})[0][0] == (field,)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "0001-01-01T00:00:00Z"]
)
def test_instants_outside_the_domain_are_refused(value: str) -> None:
    assert _errors(name="x", at=value)[0][0] == ("at",)


def test_facts_are_not_dated_in_the_future() -> None:
    later = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    assert "future" in _errors(name="x", happened_on=later)[0][1]
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert "future" in _errors(name="x", happened_at=soon)[0][1]
    # A plain Date may look ahead (a plan, a due date); a fact may be dated today in UTC+8.
    assert Item.model_validate({"name": "x", "on": later}).on == date.fromisoformat(later)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert Item.model_validate({"name": "x", "happened_on": tomorrow}).happened_on


def test_whole_number_floats_are_integers() -> None:
    item = Item.model_validate({"name": "x", "count": 141682262.0, "maybe": 3.0})
    assert (item.count, item.maybe) == (141682262, 3)
    assert isinstance(item.count, int)
    assert _errors(name="x", count=1.5)[0][0] == ("count",)
    assert _errors(name="x", count=1e300)[0][0] == ("count",)
    assert _errors(name="x", flag=1.0)[0][0] == ("flag",)
    assert _errors(name="x", count=True)[0][0] == ("count",)


@pytest.mark.parametrize("value", [0, "0", "20261201", 1.5])
def test_dates_are_strings_in_iso_form(value: object) -> None:
    assert _errors(name="x", on=value)[0][0] == ("on",)
