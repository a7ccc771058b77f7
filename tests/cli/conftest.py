"""CLI test helpers: a runner, a database per test, and a local HTTP server for list downloads."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tekser.cli.main import app

PASSWORD = "correct horse battery staple"


class Cli:
    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()
        self.admin2: str | None = None

    def __call__(
        self, *args: str, key: str | None = None, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        """Run a command, as the holder of ``key`` (TEKSER_API_KEY) if given; administrators need no
        authenticator unless ``env`` says so (tests/cli/test_totp_cli.py)."""
        environment = {"TEKSER_API_KEY": key or "", "TEKSER_REQUIRE_ADMIN_MFA": "false"} | (env or {})
        return self.runner.invoke(app, [*args, "--db", self.db], env=environment, input=stdin)

    def without_db(self, *args: str) -> Result:
        return self.runner.invoke(app, list(args))

    def users(self, **roles: str) -> dict[str, str]:
        """The first administrator ("admin") and users with these roles, each enrolled with its
        code; a role awaiting approval is approved by a second administrator ("admin2", made by
        the bootstrap rule when first needed). Their API keys by name ("admin2"'s in ``self.admin2``)."""
        result = self("users", "create-admin", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        keys = {"admin": self.key("admin")}
        for name, role in roles.items():
            self.add(name, role, keys["admin"])
            keys[name] = self.key(name)
        return keys

    def add(self, name: str, role: str, admin_key: str) -> bool:
        """Add ``name`` and enrol them (password PASSWORD); whether the role awaited approval. A
        guarded role is approved by a second administrator ("admin2", made by the bootstrap when
        first needed), whose approval gives the code's second part: the holder enrols with both."""
        result = self("users", "add", name, "--role", role, key=admin_key)
        assert result.exit_code == 0, result.output
        code = result.output.strip().splitlines()[-1]
        pending = "awaits a second administrator" in result.output
        if pending:
            result = self("users", "approve-role", name, key=self.second_admin(admin_key))
            assert result.exit_code == 0, result.output
            code += " " + result.output.strip().splitlines()[-1]
        result = self("users", "enrol", name, "--password-stdin", stdin=PASSWORD + "\n",
                      env={"TEKSER_ENROL_CODE": code})  # fmt: skip
        assert result.exit_code == 0, result.output
        return pending

    def second_admin(self, admin_key: str) -> str:
        if self.admin2 is None:
            self.add("admin2", "administrator", admin_key)  # the bootstrap: the only administrator makes a second
            self.admin2 = self.key("admin2")
        return self.admin2

    def key(self, name: str) -> str:
        result = self("keys", "create", "--user", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'cli.sqlite'}")


class ListServer:
    """Serves files from a dict; honours If-None-Match with a content ETag; counts requests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, int]] = []
        self.headers_seen: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = server.files.get(self.path)
                server.headers_seen.append(dict(self.headers))
                # record before answering: the client may check the log as soon as it has the answer
                if body is None:
                    server.requests.append((self.path, 404))
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    server.requests.append((self.path, 304))
                    self.send_response(304)
                    self.end_headers()
                    return
                server.requests.append((self.path, 200))
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def list_server() -> Iterator[ListServer]:
    server = ListServer()
    yield server
    server.close()
