"""JSON-lines log records for production: one object per line, easy to ship and to query.

Every line has ``time``, ``level``, ``logger``, ``message`` and ``request_id``; request lines
(``panel.request``) add ``method``, ``path``, ``status``, ``duration_ms`` and ``user_id``, and
any other ``extra`` given to a log call is kept as well. Redaction has already happened in
``RedactSecretsFilter`` (on the handler) by the time a record gets here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from panel.core.log_redaction import STANDARD_RECORD_ATTRIBUTES, redact


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if (
                key not in STANDARD_RECORD_ATTRIBUTES
                and key not in line
                and not key.startswith("_")
            ):
                line[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        # Objects in ``extra`` (Django logs the request itself) are printed, then redacted:
        # the filter before this only rewrote the string fields.
        return json.dumps(line, default=lambda value: redact(str(value)), ensure_ascii=False)
