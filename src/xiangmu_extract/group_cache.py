"""What a store remembers of the groups of mentions between transactions, so that joining a
new mention to the groups it matches mostly needs no query (see Store._join_matching).

For each of a bounded number of blocking keys, one mention (its profile) of each group that
holds the key, and the mentions with the key written since; and every rename of a group since
the cache was last cleared (groups only ever merge, the merged-away name never comes back), so
that the group a mention was in when it was remembered leads to the group it is in now. A
remembered mention is a member of the group it leads to: testing it against a new mention
tells, without reading the group, that the new mention matches the group — when it does.
"""

from __future__ import annotations

from xiangmu_extract.consolidate import Profile

Holder = tuple[Profile, str]  # a mention and the group it was in when remembered


class GroupCache:
    def __init__(self, max_keys: int, max_renames: int) -> None:
        self.max_keys, self.max_renames = max_keys, max_renames
        self._holders: dict[str, list[Holder]] = {}
        self._renames: dict[str, str] = {}  # merged-away group -> the group it was merged into

    def clear(self) -> None:
        self._holders.clear()
        self._renames.clear()

    def clear_if_full(self) -> None:
        """Forget everything once the renames outgrow their bound: called between
        transactions only, as a transaction relies on its renames (see :meth:`group`)."""
        if len(self._renames) > self.max_renames:
            self.clear()

    def group(self, group: str) -> str:
        """The group now called what ``group`` was called when it was remembered; a group
        created in the current transaction is always found (no clearing in between)."""
        renames = self._renames
        while group in renames:
            later = renames[group]
            if later in renames:  # shorten the chain for the next time
                renames[group] = later = renames[later]
            group = later
        return group

    def renamed(self, gone: str, kept: str) -> None:
        self._renames[gone] = kept

    def holders(self, key: str) -> dict[str, Profile] | None:
        """One remembered mention of each group now holding ``key`` (the smallest id), or
        None when ``key`` is not remembered."""
        held = self._holders.get(key)
        if held is None:
            return None
        found: dict[str, Profile] = {}
        for profile, group in held:
            now = self.group(group)
            other = found.get(now)
            if other is None or profile.id < other.id:
                found[now] = profile
        self._holders[key] = [(profile, group) for group, profile in found.items()]
        return found

    def remember(self, key: str, found: dict[str, Profile]) -> None:
        """The groups holding ``key`` and a mention of each, as read from the database."""
        if key not in self._holders and len(self._holders) >= self.max_keys:
            del self._holders[next(iter(self._holders))]  # forget the key remembered first
        self._holders[key] = [(profile, group) for group, profile in found.items()]

    def add(self, key: str, mention: Profile) -> None:
        """A new mention with ``key`` (in its own group, for now), if ``key`` is remembered."""
        held = self._holders.get(key)
        if held is not None:
            held.append((mention, mention.id))
