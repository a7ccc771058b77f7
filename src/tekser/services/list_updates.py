"""`lists update`: download each configured list, then import it with the same checks.

Downloads are conditional (ETag / Last-Modified of the last *successful* import), so an
unchanged feed costs a 304 and a refused file is fetched again next time. A failed
download or a refused file leaves the active version active and is recorded. Secrets (the
download tokens filled into addresses and headers) are redacted from every address and reason
before it is stored, audited or shown.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tekser.domain.redaction import Redactor
from tekser.errors import SourceError
from tekser.ingest.lists import registry
from tekser.ingest.lists.sources import Download, SourceConfig
from tekser.services.ports import Downloader, FetchResult, FetchState, WatchlistStore
from tekser.services.watchlists import ImportOutcome, Progress, WatchlistService

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(template: str, secrets: dict[str, str | None]) -> str:
    def value(match: re.Match[str]) -> str:
        found = secrets.get(match[1])
        if not found:
            raise SourceError(template.split("?")[0], f"needs setting TEKSER_{match[1].upper()}, which is not set")
        return found

    return _PLACEHOLDER.sub(value, template)


class ListUpdater:
    def __init__(
        self,
        watchlists: WatchlistService,
        downloader: Downloader,
        secrets: dict[str, str | None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.watchlists = watchlists
        self.store: WatchlistStore = watchlists.store
        self.downloader = downloader
        self.secrets = secrets
        self.redact = Redactor(secrets.values())
        self.clock = clock

    def update(
        self,
        list_ids: list[str] | None,
        *,
        actor: str,
        keep: Path | None = None,
        progress: Progress | None = None,
    ) -> list[ImportOutcome]:
        sources = self.watchlists.sources
        wanted = list_ids or [lid for lid, config in sources.lists.items() if config.downloads]
        outcomes = []
        for list_id in wanted:
            config = sources.get(list_id)
            if keep is not None:
                folder = keep / list_id
                folder.mkdir(parents=True, exist_ok=True)
                outcomes.append(self._update_one(config, folder, actor, progress))
            else:
                with tempfile.TemporaryDirectory(prefix=f"tekser-{list_id}-") as temporary:
                    outcomes.append(self._update_one(config, Path(temporary), actor, progress))
        return outcomes

    def _fetch(self, download: Download, folder: Path, conditional: bool) -> tuple[str, FetchResult]:
        """Fetch one file; keyed and reported by the configured address, so secrets stay out of the store."""
        url = _fill(download.url, self.secrets)
        headers = {name: _fill(value, self.secrets) for name, value in download.headers.items()}
        previous = self.store.fetch_state(download.url) if conditional else None
        return download.url, self.downloader.fetch(url, folder / download.file, headers, previous)

    def _update_one(self, config: SourceConfig, folder: Path, actor: str, progress: Progress | None) -> ImportOutcome:
        if not config.downloads:
            return ImportOutcome(
                source=config.list_id,
                status="refused",
                list_id=config.list_id,
                reason=f"no download address configured for {config.list_id}",
            )
        active = next((v for v in self.store.active_versions() if v.list_id == config.list_id), None)
        retrieved_at = self.clock()
        try:
            if progress:
                progress(f"downloading {config.list_id}", 0, len(config.downloads))
            results = [self._fetch(d, folder, conditional=active is not None) for d in config.downloads]
            if active is not None and all(r.not_modified for _, r in results):
                return ImportOutcome(
                    source=", ".join(u for u, _ in results),
                    status="unchanged",
                    list_id=config.list_id,
                    version=active,
                    warnings=["not modified since last update"],
                )
            # A set is imported whole: files the server did not resend are fetched again in full.
            results = [
                self._fetch(d, folder, conditional=False) if r.not_modified else (u, r)
                for d, (u, r) in zip(config.downloads, results, strict=True)
            ]
        except SourceError as error:
            # the downloader names the address it fetched: the one with the token filled in
            source, reason = self.redact(error.source), self.redact(str(error))
            failure = self.store.record_failure(config.list_id, source, reason, actor, [], self.clock())
            return ImportOutcome(
                source=source, status="refused", list_id=config.list_id, reason=reason, failure=failure
            )
        path = folder if len(config.downloads) > 1 else folder / config.downloads[0].file
        reader = registry.reader_for(path, config.format)
        outcome = self.watchlists.import_source(
            path,
            reader,
            actor=actor,
            list_id=config.list_id if reader.list_id is None else None,
            source_label=", ".join(u for u, _ in results),
            retrieved_at=retrieved_at,
            progress=progress,
        )
        if outcome.ok:
            for url, result in results:
                self.store.save_fetch_state(
                    FetchState(
                        url=url,
                        etag=result.etag,
                        last_modified=result.last_modified,
                        sha256=result.sha256,
                        fetched_at=retrieved_at,
                    )
                )
        return outcome
