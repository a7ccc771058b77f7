"""What every command shares: the --db option, the console, and one-line errors."""

from __future__ import annotations

import getpass
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from tekser.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SourceError,
    TekserError,
    Unauthenticated,
    new_incident,
)
from tekser.settings import Settings

if TYPE_CHECKING:  # the heavy modules are imported by the commands that use them
    from tekser.ingest.lists.sources import Sources
    from tekser.services.watchlists import WatchlistService

# Control characters other than line break and tab (C0, DEL, C1): a name or an error from a
# message may hold ESC sequences that would move the cursor, retitle or clear the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: object) -> str:
    """Outside text made safe to print: control characters shown as ``\\xNN``, never sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def styled(template: str, *values: object) -> Text:
    """Our own markup with outside values put in as plain text: ``styled("[red]failed:[/red] {}", error)``."""
    return Text.from_markup(template.format(*(escape(visible(v)) for v in values)))


class SafeConsole(Console):
    """A console that never reads markup in what it prints (names, reasons, paths and errors
    come from outside: ``AL-ZAWAHIRI [/X]`` is a name, not a closing tag) and never lets a
    control character through. Colour comes from :func:`styled`, which escapes what it inserts."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(visible(text), **options)


# Wide enough for the tables when output goes to a file or a pipe (Rich would assume 80).
console = SafeConsole(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
errors = SafeConsole(stderr=True, highlight=False, markup=False, width=None if sys.stderr.isatty() else 160)

# Exit codes by what the user can do about it.
EXIT_CODES: dict[type[TekserError], int] = {
    InvalidInput: 2,
    SourceError: 3,
    NotFound: 4,
    Conflict: 5,
    ConfigError: 6,
    Unauthenticated: 7,
    Forbidden: 8,
}

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: TEKSER_DB_URL, else the embedded SQLite file in the user's data directory).",
        show_default=False,
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who does this (recorded with the change; default: the login name)."),
]


def actor(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def settings(db: str | None) -> Settings:
    try:
        configured = Settings()
    except ValidationError as error:  # a bad TEKSER_... variable: say which, without a traceback
        first = error.errors()[0]
        raise ConfigError(f"TEKSER_{str(first['loc'][0]).upper()}: {first['msg']}") from None
    return configured.model_copy(update={"db_url": db}) if db else configured


@dataclass
class Services:
    settings: Settings
    sources: Sources
    watchlists: WatchlistService


def services(db: str | None) -> Services:
    from tekser.ingest.lists.sources import load_sources
    from tekser.services.watchlists import WatchlistService
    from tekser.storage.database import open_database
    from tekser.storage.watchlists import SqlWatchlistStore

    current = settings(db)
    sources = load_sources(current.sources_file)
    engine = open_database(current.db_url)
    return Services(current, sources, WatchlistService(SqlWatchlistStore(engine), sources))


@contextmanager
def handled(debug: bool) -> Iterator[None]:
    """Turn errors into one clear line and an exit code; tracebacks only with --debug."""
    try:
        yield
    except TekserError as error:
        if debug:
            raise
        errors.print(styled("[red]error:[/red] {}", error), soft_wrap=True)
        raise typer.Exit(next((c for t, c in EXIT_CODES.items() if isinstance(error, t)), 1)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # the reader went away (`tekser screen ... | head`): stop quietly, like any Unix filter
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as error:
        current = Settings()
        if debug or current.debug:
            raise
        incident = new_incident()
        where = _log_incident(incident, error, current)
        errors.print(
            styled(
                "[red]internal error:[/red] {} (incident {}{}; run again with --debug for details)",
                _one_line(error), incident, f", traceback in {where}" if where else "",
            ),
            soft_wrap=True,
        )  # fmt: skip
        raise typer.Exit(70) from None


incidents = logging.getLogger("tekser.incidents")


def _log_incident(incident: str, error: Exception, current: Settings) -> str:
    """Log ``error``'s traceback at ERROR under ``incident``; where it went: the incident log file,
    unless the program configured logging itself. Never the terminal (one line there): a
    traceback may quote a statement or a message's content."""
    handler: logging.Handler | None = None
    where = ""
    if not incidents.handlers and not logging.getLogger().handlers:  # nobody configured logging
        try:
            current.incident_log.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(current.incident_log, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            where = str(current.incident_log)
        except OSError:
            handler = logging.NullHandler()  # unwritable: lost rather than on the terminal
        incidents.addHandler(handler)
    try:
        trace = (type(error), error, error.__traceback__)
        incidents.error("incident %s: %s", incident, _one_line(error), exc_info=trace)
    finally:
        if handler is not None:
            incidents.removeHandler(handler)
            handler.close()
    return where


def _one_line(error: Exception) -> str:
    """An unexpected error in one line; a database error without its SQL or parameters (message data)."""
    if type(error).__module__.startswith("sqlalchemy"):
        from tekser.storage.database import describe_error

        return describe_error(error)
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(styled("[red]error:[/red] {}", message), soft_wrap=True)
    raise typer.Exit(code)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
