"""Tiny HTTP toolkit: request/response values, error responses, and a path router."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_plus

MAX_BODY = 10 * 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any) -> Response:
    return Response(status, json.dumps(payload).encode(), JSON_TYPE)


def text_response(status: int, text: str) -> Response:
    return Response(status, text.encode(), TEXT_TYPE)


def no_content() -> Response:
    return Response(204)


class HttpError(Exception):
    """Raised anywhere in a handler; the app turns it into its response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def bad_request(errors: dict[str, Any]) -> HttpError:
    """400 in the Rails shape of docs/bigv-api.md §5.3: ``{"attr": ["message", ...]}``."""
    return HttpError(json_response(400, errors))


def bad_request_text(text: str) -> HttpError:
    return HttpError(text_response(400, text))


def not_found() -> HttpError:
    return HttpError(json_response(404, {"error": "Not found"}))


def forbidden() -> HttpError:
    return HttpError(json_response(403, {"error": "Forbidden"}))


def server_error(text: str) -> HttpError:
    return HttpError(text_response(500, text))


def unauthorized(message: str) -> HttpError:
    response = json_response(401, {"error": message})
    response.headers.append(("WWW-Authenticate", 'Bearer realm="bigv"'))
    return HttpError(response)


@dataclass
class Request:
    method: str
    raw_path: str  # as received, still percent-encoded, without the query string
    segments: list[str]  # decoded path segments, empty ones dropped
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        raw = environ.get("sim.raw_path")
        if raw is None:
            # Another WSGI server: PATH_INFO is already %-decoded (as latin-1 text).
            raw = quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/+:@!$&'()*,;=")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            raise bad_request_text("Request body too large")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        query_string = environ.get("QUERY_STRING", "")
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            raw_path=raw,
            segments=split_path(raw),
            query_string=query_string,
            query=dict(parse_qsl(query_string, keep_blank_values=True)),
            headers=headers,
            body=body,
        )

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("true", "1", "yes")

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body is ``{}``."""
        if not self.body.strip():
            return {}
        try:
            payload = json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise bad_request({"request": ["body is not valid JSON"]}) from None
        if not isinstance(payload, dict):
            raise bad_request({"request": ["body must be a JSON object"]})
        return payload


def split_path(raw: str) -> list[str]:
    """Decode each segment like BC encodes it (Go ``url.QueryEscape``: space is ``+``)."""
    return [unquote_plus(seg) for seg in raw.split("/") if seg]


Handler = Callable[..., Response]


class Router:
    """Routes ``(method, "/literal/{param}/...")`` patterns; params are passed by name."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, int], list[tuple[list[str], Handler]]] = {}

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        parts = [p for p in pattern.split("/") if p]
        self._routes.setdefault((method, len(parts)), []).append((parts, handler))

    def match(self, method: str, segments: list[str]) -> tuple[Handler, dict[str, str]] | None:
        for parts, handler in self._routes.get((method, len(segments)), []):
            params: dict[str, str] = {}
            for part, seg in zip(parts, segments, strict=True):
                if part.startswith("{"):
                    params[part[1:-1]] = seg
                elif part != seg:
                    break
            else:
                return handler, params
        return None
