"""The SSE framing helper: multi-line data, and no CR/LF injection."""

from __future__ import annotations

import re

import pytest

from panel.activity.live.sse import sse_event


def parse(frame: str) -> list[dict[str, str]]:
    """A minimal WHATWG event-stream parser: what an EventSource would dispatch."""
    dispatched: list[dict[str, str]] = []
    name, data = "", []
    for line in re.split(r"\r\n|\r|\n", frame):
        if line == "":
            if data:
                dispatched.append({"event": name or "message", "data": "\n".join(data)})
            name, data = "", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    return dispatched


def test_sse_event_puts_every_line_of_multi_line_data_on_its_own_data_field():
    frame = sse_event("progress", '<div class="a">\n  <p>step</p>\n</div>')
    assert frame == (
        'event: progress\ndata: <div class="a">\ndata:   <p>step</p>\ndata: </div>\n\n'
    )
    assert parse(frame) == [{"event": "progress", "data": '<div class="a">\n  <p>step</p>\n</div>'}]


def test_sse_event_data_cannot_inject_fields_or_end_the_event_early():
    hostile = "web1\r\n\r\nevent: done\rdata: evil\nid: 7\r\nretry: 1"
    frame = sse_event("progress", hostile)
    # Every CR, LF and CRLF became a new data: line; no bare line break is left to inject.
    assert frame.count("\n\n") == 1 and frame.endswith("\n\n")
    assert "\r" not in frame
    lines = frame.split("\n")[1:-2]
    assert all(line.startswith("data: ") for line in lines)
    [event] = parse(frame)
    assert event["event"] == "progress"
    assert event["data"] == "web1\n\nevent: done\ndata: evil\nid: 7\nretry: 1"


def test_sse_event_refuses_an_event_name_that_could_break_the_frame():
    for name in ("", "progress\ndata: x", "a b", "x\r"):
        with pytest.raises(ValueError):
            sse_event(name, "x")
