"""What every command shares: the --db option, the console, and one-line errors."""

from __future__ import annotations

import getpass
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
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
    typer.Option(
        "--by",
        help="Who does this, while no user exists yet (default: the login name); from the first user on, "
        "the holder of TEKSER_API_KEY does, and another name is refused.",
    ),
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
    from tekser.wiring import watchlist_service

    current = settings(db)
    sources = load_sources(current.sources_file)
    return Services(current, sources, watchlist_service(current, sources))


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
        unreadable = _unreadable(error)
        if unreadable is not None:  # a path the user gave, or a file that is not text: their input (exit 2)
            errors.print(styled("[red]error:[/red] {}", unreadable), soft_wrap=True)
            raise typer.Exit(2) from None
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


def _unreadable(error: Exception) -> str | None:
    """What is wrong with a file the user named, or None when the error is not about one."""
    if isinstance(error, (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)):
        return f"{error.filename}: {error.strerror}" if error.filename is not None else None
    if isinstance(error, UnicodeDecodeError):  # a reader that did not say which file (see text_lines)
        return f"input is not UTF-8 text ({error.reason}: byte 0x{error.object[error.start]:02x})"
    return None


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
        from tekser.wiring import describe_database_error

        return describe_database_error(error)
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


@contextmanager
def text_lines(path: str | Path) -> Iterator[Iterator[str]]:
    """The lines of a UTF-8 text file (``-``: standard input), opened now (a missing file is an
    error before any work starts). Each line is decoded on its own, so a byte that is not UTF-8
    is refused naming the file and the line (InvalidInput, exit 2), not a traceback."""
    name = "standard input" if str(path) == "-" else str(path)
    with nullcontext(sys.stdin.buffer) if str(path) == "-" else Path(path).open("rb") as handle:

        def lines() -> Iterator[str]:
            for number, raw in enumerate(handle, start=1):
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise InvalidInput(
                        f"{name}, line {number}: not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                        f"{error.start + 1}); save the file as UTF-8"
                    ) from None

        yield lines()


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(styled("[red]error:[/red] {}", message), soft_wrap=True)
    raise typer.Exit(code)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
