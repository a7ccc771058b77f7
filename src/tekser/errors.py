"""The one exception family of tekser.

Every error the project raises on purpose derives from :class:`TekserError`. Adapters map
them to exit codes (CLI) or HTTP statuses (API) in one table each; the core never knows
about either.

    TekserError
    ├── InvalidInput      data or arguments that fail validation (carries FieldError list)
    │   └── MessageError  a travel message that cannot be parsed (names message, segment, element)
    ├── SourceError       a list file or download that is refused (names file and reason)
    ├── ConfigError       settings or configuration files that cannot be used
    ├── NotFound          a version, entry or object that does not exist
    ├── Conflict          a request that contradicts the current state
    ├── Unauthenticated   no valid credentials (unknown user, wrong password, expired key or session)
    │   └── TooManyAttempts  sign-in refused for a while after repeated failures (says when to retry)
    └── Forbidden         the role does not allow the action, or a second person must do it (four eyes)
        └── ReauthenticationRequired  a sensitive action through a session signed in too long ago
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


def new_incident() -> str:
    """An id for one unexpected failure (48 random bits, 12 hex digits): printed to the user and
    logged with the traceback, so that what a user quotes to support finds the traceback."""
    return secrets.token_hex(6)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation failure: which record, which field, what is wrong."""

    record: str
    field: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        shown = f" (got {self.value!r})" if self.value is not None else ""
        return f"{self.record}, field {self.field}: {self.message}{shown}"


class TekserError(Exception):
    """Base of every error tekser raises deliberately."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(TekserError):
    """Input that fails validation; ``errors`` lists every failure, not only the first."""

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        self.errors: list[FieldError] = list(errors or [])
        if self.errors:
            shown = "; ".join(str(e) for e in self.errors[:5])
            more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
            message = f"{message}: {shown}{more}"
        super().__init__(message)


EXCERPT = 80  # most characters of outside text an error or finding quotes


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of outside text, and its length when cut: an error about a
    46 KB message must not carry its names, birth dates and passport numbers."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = EXCERPT) -> str:
    """``repr`` of at most ``limit`` characters of ``value`` (None as None)."""
    if value is None:
        return "None"
    text = str(value)
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"


class MessageError(InvalidInput):
    """A travel message (PAXLST, PNRGOV, manifest) that cannot be parsed.

    ``segment`` is the 1-based position of the offending segment, ``tag`` its tag and
    ``element`` the element position ("3" or "3.2" for a component), when known.
    """

    def __init__(
        self,
        reason: str,
        *,
        message: str | None = None,
        segment: int | None = None,
        tag: str | None = None,
        element: str | None = None,
    ) -> None:
        # tag and element come from the message: a wrong UNA can make the whole message one "tag"
        tag = excerpt(tag) if tag is not None else None
        element = excerpt(element) if element is not None else None
        self.reason = reason
        self.message_name = message
        self.segment = segment
        self.tag = tag
        self.element = element
        where = [part for part in (message, f"segment {segment}" if segment else None, tag) if part]
        if element:
            where.append(f"element {element}")
        super().__init__(f"{' '.join(where)}: {reason}" if where else reason)


class SourceError(TekserError):
    """A list source (file, directory or download) is refused; the active version stays active."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ConfigError(TekserError):
    """Settings or a configuration file cannot be used."""


class NotFound(TekserError):
    """The requested object does not exist."""


class Conflict(TekserError):
    """The request contradicts the current state."""


class Unauthenticated(TekserError):
    """No valid credentials: the same message whatever was wrong (never says which part)."""


class TooManyAttempts(Unauthenticated):
    """Sign-in refused until a time (the account's lockout or the client's limit), whatever the
    password: ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Forbidden(TekserError):
    """The action is not allowed to this user: their role, or maker and checker would be one person."""


class ReauthenticationRequired(Forbidden):
    """A sensitive action (an approval, a new API key) asked of a session whose password was given
    too long ago: the holder confirms it again (``POST /api/session/confirm``) and retries."""
