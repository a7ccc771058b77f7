"""The one settings object. Built at the edge (CLI, API) and passed in; never mutated globally.

Every field can be set by an environment variable with the ``TEKSER_`` prefix
(``TEKSER_DB_URL``, ``TEKSER_SHARED_DATA`` ...) or by the matching CLI option.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Any

from platformdirs import user_data_dir, user_log_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tekser.errors import ConfigError

MIN_PEPPER = 32  # characters: secrets.token_urlsafe(32) gives 43


def default_db_url() -> str:
    """The embedded SQLite file in the user's data directory."""
    return f"sqlite:///{Path(user_data_dir('tekser', appauthor=False)) / 'tekser.sqlite'}"


class Settings(BaseSettings):
    """Deployment settings of tekser."""

    model_config = SettingsConfigDict(env_prefix="TEKSER_", extra="ignore")

    db_url: str = Field(
        default_factory=default_db_url,
        description="SQLAlchemy URL of the database: sqlite:///PATH (default: a file in the user's data "
        "directory) or postgresql+psycopg://USER@HOST/DB.",
    )
    shared_data: Path = Field(
        default=Path("../shared/data"),
        description="Folder of real third-party sample data (watchlists, messages) used by tests, "
        "demo and benchmarks; never copied into the repository.",
    )
    sources_file: Path | None = Field(
        default=None,
        description="YAML file overriding the list sources (download addresses, sanity checks); "
        "by default the built-in sources.yml is used.",
    )
    http_timeout: float = Field(default=120.0, description="Seconds before a list download is abandoned.")
    eu_token: str | None = Field(
        default=None, description="Token of the EU Financial Sanctions Files download address."
    )
    kz_api_key: str | None = Field(
        default=None,
        description="X-Api-Key for the Kazakhstan AFM API (issued to organisations registered in Kazakhstan).",
    )
    debug: bool = Field(default=False, description="Show tracebacks for errors.")
    customer_retention_days: int = Field(
        default=5 * 365,
        ge=1,
        description="Days a customer subject stored by a batch (tekser screen --store) is kept for rescreening.",
    )
    incident_log: Path = Field(
        default_factory=lambda: Path(user_log_dir("tekser", appauthor=False)) / "incidents.log",
        description="File the command line appends an internal error's traceback to, under the incident "
        "id it prints (the terminal gets one line).",
    )
    api_key: str | None = Field(
        default=None,
        description="API key the command line acts with (who you are: tekser keys create); "
        "never put it in a URL or a shell history, prefer the environment.",
    )
    signing_key: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs transmitted case files (tekser keys signing-init); "
        "default: signing-key.pem in the SQLite database's folder (a PostgreSQL deployment must set it).",
    )
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only (switch off only for a local test over plain HTTP).",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host:port) besides the API's own from which browsers may send "
        "state-changing requests.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address browsers reach the API at (scheme://host[:port], e.g. https://tekser.example): "
        "the API's own origin. The request's Host header is not trusted for this.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "header names the client; from anyone else the header is ignored (default: none).",
    )

    password_pepper: SecretStr | None = Field(
        default=None,
        description="A secret of the deployment mixed into every password before it is hashed (HMAC-SHA256), "
        "kept outside the database; at least 32 characters. Prefer TEKSER_PASSWORD_PEPPER_FILE.",
    )
    password_pepper_file: Path | None = Field(
        default=None,
        description="File holding the password pepper (its first line), readable by tekser only.",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="Deployment secret (at least 32 random characters, e.g. `openssl rand -base64 32`) from which "
        "the key sealing authenticator (TOTP) secrets in the database is derived; without it (or "
        "TEKSER_SECRET_KEY_FILE) no one can enrol an authenticator. Keep it out of the database and its backups.",
    )
    secret_key_file: Path | None = Field(
        default=None,
        description="File holding the deployment secret (its first line), instead of TEKSER_SECRET_KEY: "
        "e.g. a container secret.",
    )
    require_admin_mfa: bool = Field(
        default=True,
        description="Administrators administer only once they have confirmed an authenticator (TOTP). "
        "Turn off only for a demonstration or a test deployment.",
    )

    def deployment_secret(self) -> bytes | None:
        """The deployment secret (TEKSER_SECRET_KEY, else the first line of TEKSER_SECRET_KEY_FILE), or None."""
        if self.secret_key is not None and self.secret_key.get_secret_value().strip():
            return self.secret_key.get_secret_value().strip().encode("utf-8")
        if self.secret_key_file is not None:
            try:
                lines = self.secret_key_file.read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise ConfigError(f"TEKSER_SECRET_KEY_FILE {self.secret_key_file}: {error.strerror}") from None
            first = lines[0].strip() if lines else ""
            if not first:
                raise ConfigError(f"TEKSER_SECRET_KEY_FILE {self.secret_key_file} is empty")
            return first.encode("utf-8")
        return None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [p.strip() for p in text.split(",") if p.strip()]
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError: not an address or network
        return value

    def database_folder(self) -> Path | None:
        """The folder of the SQLite database file (None for PostgreSQL or an in-memory database)."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(self.db_url)
        except ArgumentError:
            return None  # (opening the database says what is wrong with the URL)
        if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
            return None
        return Path(parsed.database).expanduser().absolute().parent

    def creates_database_folder(self) -> bool:
        """Whether the database's folder is made when missing: only the default one in the user's
        data directory (nobody typed it). A folder named in --db or TEKSER_DB_URL must exist."""
        return self.db_url == default_db_url()

    def signing_key_file(self) -> Path | None:
        """Where this deployment's signing key is: TEKSER_SIGNING_KEY, else beside the SQLite
        database (each database its own key, whatever folder the command was run from)."""
        if self.signing_key is not None:
            return self.signing_key
        folder = self.database_folder()
        return folder / "signing-key.pem" if folder is not None else None

    def pepper(self) -> bytes | None:
        """The password pepper, from the environment or its file; none when neither is set."""
        from tekser.errors import ConfigError

        if self.password_pepper is not None and self.password_pepper_file is not None:
            raise ConfigError("set TEKSER_PASSWORD_PEPPER or TEKSER_PASSWORD_PEPPER_FILE, not both")
        if self.password_pepper_file is not None:
            try:
                lines = self.password_pepper_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:  # the reason, never the content
                raise ConfigError(f"cannot read the password pepper file {self.password_pepper_file}: "
                                  f"{type(error).__name__}") from None  # fmt: skip
            value = lines[0].strip() if lines else ""
        elif self.password_pepper is not None:
            value = self.password_pepper.get_secret_value().strip()
        else:
            return None
        if len(value) < MIN_PEPPER:
            raise ConfigError(f"the password pepper must be at least {MIN_PEPPER} characters (a random secret)")
        return value.encode("utf-8")
