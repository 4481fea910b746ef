"""Where a JSON body fails to parse, said so a person can find it: line, column and the JSON
pointer of the value being read, and plain words for NaN, Infinity and out-of-range numbers."""

import json
import re
from dataclasses import dataclass

_NON_FINITE = re.compile(r"-?(NaN|Infinity)")


@dataclass(frozen=True)
class Location:
    line: int
    column: int
    pointer: str


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _string_end(doc: str, start: int, stop: int) -> int | None:
    """The index after the string literal opening at `start`, if it closes before `stop`."""
    i = start + 1
    while i < stop:
        if doc[i] == "\\":
            i += 2
            continue
        if doc[i] == '"':
            return i + 1
        i += 1
    return None


def _pointer(doc: str, pos: int) -> str:
    """The JSON pointer of the value being read at `pos`: the containers opened before it, with
    the key or index each was at."""
    frames: list[list[object]] = []  # ["object", key or None] or ["array", index]
    i = 0
    while i < pos:
        ch = doc[i]
        if ch == '"':
            end = _string_end(doc, i, pos)
            if end is None:
                break
            if frames and frames[-1][0] == "object" and frames[-1][1] is None:
                try:
                    frames[-1][1] = str(json.loads(doc[i:end]))
                except ValueError:
                    frames[-1][1] = doc[i + 1 : end - 1]
            i = end
            continue
        if ch == "{":
            frames.append(["object", None])
        elif ch == "[":
            frames.append(["array", 0])
        elif ch in "}]" and frames:
            frames.pop()
        elif ch == "," and frames:
            top = frames[-1]
            if top[0] == "object":
                top[1] = None
            else:
                top[1] = int(str(top[1])) + 1
        i += 1
    parts = []
    for kind, at in frames:
        if at is None:
            break
        parts.append(_escape(str(at)) if kind == "object" else str(at))
    return "#/" + "/".join(parts) if parts else "#"


def locate(doc: str, pos: int) -> Location:
    pos = max(0, min(pos, len(doc)))
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    return Location(line, column, _pointer(doc, pos))


def explain(doc: str, pos: int, message: str) -> str:
    """The parser's message in plain words where it is obscure."""
    start = pos - 1 if pos > 0 and doc[pos - 1] == "-" else pos
    if _NON_FINITE.match(doc, start):
        return "NaN and Infinity are not numbers in JSON"
    if "infinity" in message.lower():
        return "the number is out of range (beyond ±1.7976931348623157e308)"
    return message


def decode_error_detail(doc: str, pos: int, message: str) -> tuple[str, str]:
    """The pointer and the detail of a body that is not JSON."""
    if not doc:  # nothing decoded: bad UTF-8 (the message says where) or an empty body
        return "#", message
    where = locate(doc, pos)
    return where.pointer, (
        f"not valid JSON at line {where.line}, column {where.column}: {explain(doc, pos, message)}"
    )
