"""List sources: official download addresses and per-source sanity checks (sources.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tekser.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Checks:
    min_entries: int = 1
    max_shrink: float = 0.05  # share of the active version's entries a new version may remove


@dataclass(frozen=True, slots=True)
class Download:
    url: str
    file: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    list_id: str
    title: str
    authority: str = ""
    format: str | None = None
    purpose: str = ""
    downloads: tuple[Download, ...] = ()
    checks: Checks = Checks()


@dataclass(frozen=True, slots=True)
class Sources:
    lists: dict[str, SourceConfig]
    default_checks: Checks = Checks()

    def checks_for(self, list_id: str) -> Checks:
        config = self.lists.get(list_id)
        return config.checks if config else self.default_checks

    def get(self, list_id: str) -> SourceConfig:
        try:
            return self.lists[list_id]
        except KeyError:
            known = ", ".join(sorted(self.lists))
            raise ConfigError(f"no source configured for list {list_id!r} (known: {known})") from None


def _checks(raw: Any, where: str, base: Checks) -> Checks:
    if raw is None:
        return base
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: checks must be a mapping")
    try:
        checks = Checks(
            min_entries=int(raw.get("min_entries", base.min_entries)),
            max_shrink=float(raw.get("max_shrink", base.max_shrink)),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where}: {error}") from None
    if not 0 <= checks.max_shrink <= 1:
        share = checks.max_shrink
        raise ConfigError(f"{where}: checks.max_shrink is a share of entries, 0 to 1 (0.05 = 5 %), not {share}")
    return checks


def _source(list_id: str, raw: dict[str, Any], base: SourceConfig | None, where: str) -> SourceConfig:
    downloads = base.downloads if base else ()
    if "downloads" in raw:
        try:
            downloads = tuple(
                Download(url=str(d["url"]), file=str(d["file"]), headers=dict(d.get("headers") or {}))
                for d in raw["downloads"]
            )
        except (KeyError, TypeError) as error:
            raise ConfigError(f"{where}: lists.{list_id}.downloads: each needs url and file ({error})") from None
    return SourceConfig(
        list_id=list_id,
        title=str(raw.get("title", base.title if base else list_id)),
        authority=str(raw.get("authority", base.authority if base else "")),
        format=raw.get("format", base.format if base else None),
        purpose=str(raw.get("purpose", base.purpose if base else "")),
        downloads=downloads,
        checks=_checks(raw.get("checks"), f"{where}: lists.{list_id}", base.checks if base else Checks()),
    )


def _parse(text: str, where: str, base: Sources | None) -> Sources:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping at the top")
    lists = dict(base.lists) if base else {}
    for list_id, item in (raw.get("lists") or {}).items():
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: lists.{list_id} must be a mapping")
        lists[str(list_id)] = _source(str(list_id), item, lists.get(str(list_id)), where)
    default = _checks(
        (raw.get("defaults") or {}).get("checks"),
        f"{where}: defaults",
        base.default_checks if base else Checks(),
    )
    return Sources(lists=lists, default_checks=default)


def load_sources(override: Path | None = None) -> Sources:
    """The built-in sources, with a deployment's override file applied on top."""
    builtin = resources.files("tekser.ingest.lists").joinpath("data/sources.yml").read_text(encoding="utf-8")
    sources = _parse(builtin, "built-in sources.yml", None)
    if override is not None:
        try:
            text = override.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot read sources file {override}: {error.strerror}") from None
        sources = _parse(text, str(override), sources)
    return sources
