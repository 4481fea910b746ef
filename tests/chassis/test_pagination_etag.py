"""Cursor encoding and the If-Match rule."""

from uuid import uuid4

import pytest

from chassis.errors import PreconditionFailed, PreconditionRequired, Unprocessable
from chassis.etag import check_if_match, etag
from chassis.pagination import decode_cursor, encode_cursor


def test_cursor_round_trip_is_opaque_and_short() -> None:
    value = uuid4()
    cursor = encode_cursor(value)
    assert str(value) not in cursor and len(cursor) == 22
    assert decode_cursor(cursor) == value


@pytest.mark.parametrize("bad", ["!!", "abc", "A" * 30])
def test_bad_cursor_names_the_parameter(bad: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        decode_cursor(bad)
    assert caught.value.errors[0].pointer == "#/cursor"


def test_if_match() -> None:
    check_if_match('"v3"', 3)
    check_if_match('"v1", "v3"', 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('W/"v3"', 3)
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 3)
    with pytest.raises(PreconditionFailed) as caught:
        check_if_match('"v2"', 3)
    assert caught.value.extra["current_etag"] == etag(3)
