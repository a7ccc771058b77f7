"""Logging of `tekser serve`: uvicorn's, without query strings or secrets.

uvicorn's access log writes each request's full path with its query string, so a key that the
API refused in a URL (``?api_key=tk_...``) would still be written to the log. Here the access log
writes the path only, and every other uvicorn log line is redacted (:func:`redact`), also of the
deployment's configured secrets (the password pepper).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from typing import Any

from tekser.domain.redaction import Redactor


class PathOnly(logging.Filter):
    """An access-log record with the query string cut from its path (uvicorn passes
    ``(client, method, path_with_query, http_version, status)`` as the record's arguments)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, self.redact(str(path).split("?", 1)[0]), version, status)
        else:  # not the shape this filter knows: keep the line, without what looks secret
            record.msg, record.args = self.redact(record.getMessage()), None
        return True


class Redacting(logging.Filter):
    """A log record with secrets redacted from its message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        return True


def log_config(secrets: Iterable[str] = ()) -> dict[str, Any]:
    """uvicorn's default logging configuration with the two filters on its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    known = list(secrets)
    config["filters"] = {
        "path_only": {"()": PathOnly, "secrets": known},
        "redacting": {"()": Redacting, "secrets": known},
    }
    config["handlers"]["access"]["filters"] = ["path_only"]
    config["handlers"]["default"]["filters"] = ["redacting"]
    return config
