"""List downloads over HTTP(S) with conditional requests (httpx)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import httpx

from tekser import __version__
from tekser.domain.redaction import Redactor
from tekser.errors import SourceError
from tekser.services.ports import FetchResult, FetchState

# httpx logs every request's full address (INFO "HTTP Request: GET ...?token=..."), httpcore its steps
_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy")


class _RedactingFilter(logging.Filter):
    """Rewrites a log record with its secrets redacted (the record is formatted here, once)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        return True


class HttpDownloader:
    """Streams a URL to a file; sends If-None-Match / If-Modified-Since from the last fetch.

    ``secrets`` (the download tokens) are redacted from its errors and from httpx's log records.
    """

    def __init__(
        self,
        timeout: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.redact = Redactor(secrets)
        self._filter = _RedactingFilter(self.redact)
        for name in _LOGGERS:
            logging.getLogger(name).addFilter(self._filter)
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": f"tekser/{__version__} (watchlist update)"},
            transport=transport,
        )

    def fetch(self, url: str, destination: Path, headers: dict[str, str], previous: FetchState | None) -> FetchResult:
        request_headers = dict(headers)
        if previous is not None:
            if previous.etag:
                request_headers["If-None-Match"] = previous.etag
            if previous.last_modified:
                request_headers["If-Modified-Since"] = previous.last_modified
        digest = hashlib.sha256()
        shown = self.redact(url)  # how errors name the address
        try:
            with self.client.stream("GET", url, headers=request_headers) as response:
                if response.status_code == 304:
                    return FetchResult(
                        url,
                        True,
                        None,
                        previous.etag if previous else None,
                        previous.last_modified if previous else None,
                        previous.sha256 if previous else None,
                    )
                if response.status_code != 200:
                    raise SourceError(shown, f"download failed: HTTP {response.status_code} {response.reason_phrase}")
                destination.parent.mkdir(parents=True, exist_ok=True)
                with destination.open("wb") as handle:
                    for block in response.iter_bytes(1 << 16):
                        digest.update(block)
                        handle.write(block)
                expected = response.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and int(expected) != destination.stat().st_size:
                    raise SourceError(
                        shown, f"download truncated: {destination.stat().st_size} of {expected} bytes received"
                    )
                return FetchResult(
                    url=url,
                    not_modified=False,
                    path=destination,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    sha256=digest.hexdigest(),
                )
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
            message = self.redact(f"download failed: {type(error).__name__}: {error}")
            raise SourceError(shown, message) from None

    def close(self) -> None:
        self.client.close()
        for name in _LOGGERS:
            logging.getLogger(name).removeFilter(self._filter)
