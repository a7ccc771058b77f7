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
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    signing_key: Path = Field(
        default_factory=lambda: Path(user_data_dir("tekser", appauthor=False)) / "signing-key.pem",
        description="Ed25519 private key (PEM) that signs transmitted case files (tekser keys signing-init).",
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

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [p.strip() for p in text.split(",") if p.strip()]
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError: not an address or network
        return value
