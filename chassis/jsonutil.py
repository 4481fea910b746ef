"""Fast JSON encoding shared by responses, the outbox and the idempotency store."""

from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal | UUID):  # asyncpg hands back its own UUID class
        return str(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_default)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)
