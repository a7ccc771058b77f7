"""A failed `tekser lists update` never writes a download token: not in the database, not in the
output, not in a log line — whatever failed (issue 16, finding 3)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, MetaData, select
from tests.cli.conftest import Cli

from tekser.storage import database
from tekser.storage.database import make_engine

# characters a URL has to percent-encode, so that encoded forms must be caught too
EU_TOKEN = "eu-T0ken s3cret/+é"
KZ_KEY = "kz-Key_9f8e7d6c5b4a"
# fragments of every form of the two secrets (raw, %-encoded, +-encoded)
FRAGMENTS = ("T0ken", "s3cret", "9f8e7d6c5b4a")


class FailingServer:
    """Answers by the first path segment: 404, 500, bad (200, not XML), slow, truncated, redirect."""

    def __init__(self) -> None:
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                kind = self.path.lstrip("/").split("/")[0].split("?")[0]
                if kind == "slow":
                    server.release.wait(10)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    self.answer(kind)

            def answer(self, kind: str) -> None:
                if kind in ("404", "500"):
                    self.send_response(int(kind))
                    self.end_headers()
                elif kind == "redirect":  # to an address carrying the token (a careless server)
                    self.send_response(302)
                    self.send_header("Location", f"/404/gone?access_token={quote(EU_TOKEN)}")
                    self.end_headers()
                elif kind == "truncated":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"<export>")
                else:  # bad, slow: a file that is not a list
                    self.send_response(200)
                    self.send_header("Content-Length", "8")
                    self.end_headers()
                    self.wfile.write(b"<not xml")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def failing_server() -> Iterator[FailingServer]:
    server = FailingServer()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _texts(db_url: str) -> Iterator[tuple[str, str]]:
    """(table.column, text) of every value of every column of every table."""
    engine = make_engine(db_url)
    metadata = MetaData()
    metadata.reflect(engine)
    try:
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    for column, value in row._mapping.items():
                        if isinstance(value, bytes | memoryview):
                            text = bytes(value).decode("latin-1")
                        else:
                            text = value if isinstance(value, str) else json.dumps(value, default=str)
                        yield f"{table.name}.{column}", text
    finally:
        engine.dispose()


def test_no_download_token_is_written_whatever_fails(
    db_url: str,
    tmp_path: Path,
    failing_server: FailingServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    engines: list[Engine] = []  # a command leaves closing its database to the process's exit: done here
    opened = database.open_database
    monkeypatch.setattr(
        database, "open_database", lambda url, **options: engines.append(opened(url, **options)) or engines[-1]
    )
    cli = Cli(db_url)
    url = failing_server.url
    monkeypatch.setenv("TEKSER_EU_TOKEN", EU_TOKEN)
    monkeypatch.setenv("TEKSER_KZ_API_KEY", KZ_KEY)
    monkeypatch.setenv("TEKSER_HTTP_TIMEOUT", "0.5")
    # one update of the EU list per kind of failure; the token in a query parameter (named
    # plainly, %-encoded or innocently) or in the path
    cases = {
        f"{url}/404/content?token={{eu_token}}": "download failed: HTTP 404",
        f"{url}/500/{{eu_token}}/list.xml": "download failed: HTTP 500",
        f"{url}/bad/content?%74oken={{eu_token}}": "not",
        f"http://127.0.0.1:{_closed_port()}/content?apikey={{eu_token}}": "download failed: ConnectError",
        f"{url}/slow/content?t={{eu_token}}": "download failed: ReadTimeout",
        f"{url}/truncated/content?sig={{eu_token}}": "download failed: RemoteProtocolError",
        f"{url}/redirect/content?passwd={{eu_token}}": "download failed: HTTP 404",
    }
    shown = []
    for template, expected in cases.items():
        sources = tmp_path / "sources.yml"
        sources.write_text(
            f"""lists:
  eu:
    downloads:
      - {{url: '{template}', file: eu.xml}}
  kz:
    downloads:
      - {{url: '{url}/404/{{kz_api_key}}/list.xml?key={{kz_api_key}}', file: list.xml,
          headers: {{X-Api-Key: '{{kz_api_key}}'}}}}
""",
            encoding="utf-8",
        )
        monkeypatch.setenv("TEKSER_SOURCES_FILE", str(sources))
        result = cli("lists", "update", "eu", "kz", "--json")
        assert result.exit_code == 3, result.output
        eu, kz = json.loads(result.stdout)
        assert eu["status"] == kz["status"] == "refused"
        assert expected in eu["reason"], (template, eu["reason"])
        shown += [result.output, result.stderr]
    failures = cli("lists", "failures", "--json")
    assert failures.exit_code == 0, failures.output
    listed = json.loads(failures.stdout)
    assert len(listed) == 2 * len(cases)  # every update of both lists is kept as a failure
    shown += [failures.output, cli("audit", "events", "--json").output]

    found = [(where, text) for where, text in _texts(db_url) if any(f in text for f in FRAGMENTS)]
    assert found == []
    stored = {where for where, _ in _texts(db_url)}
    assert {"import_failures.source", "audit_events.details"} <= stored  # the scan did read them
    assert any("token=REDACTED" in f["source"] for f in listed)
    logged = [caplog.text, *(r.getMessage() for r in caplog.records)]
    assert any("HTTP Request" in line for line in logged)  # httpx did log the requests ...
    assert [line for line in shown + logged if any(f in line for f in FRAGMENTS)] == []  # ... redacted
    for engine in engines:
        engine.dispose()
