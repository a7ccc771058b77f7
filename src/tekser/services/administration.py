"""List imports and deployment policy, as an authenticated user: the matrix decides who may.

The list service itself takes a plain ``actor`` (scheduled fetches, the demo, tests); this is
the door a person goes through: it checks the role, names the user (and the API key) in the
list version and the audit log, and passes the rest on unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tekser.domain.access import Action, Principal, authorize
from tekser.domain.policy import PolicyEvent, PolicyScope


class ListAdministration:
    def __init__(self, watchlists: Any) -> None:  # a WatchlistService
        self.watchlists = watchlists

    def import_path(self, principal: Principal, path: Path, **options: Any) -> list[Any]:
        authorize(principal, Action.LIST_IMPORT)
        return list(self.watchlists.import_path(path, actor=principal.label, **options))

    def set_policy(
        self, principal: Principal, list_id: str, scope: PolicyScope, value: str, *, enabled: bool, reason: str
    ) -> PolicyEvent:
        authorize(principal, Action.POLICY_CHANGE)
        event: PolicyEvent = self.watchlists.set_policy(
            list_id, scope, value, enabled=enabled, actor=principal.label, reason=reason
        )
        return event
