"""A small named registry shared by models, preprocessors and metrics.

Names are matched ignoring case, '-', '_' and spaces, so ``Random-Forest``,
``random_forest`` and ``RandomForest`` resolve to the same entry. A typo fails
with the close matches, never silently.
"""
from __future__ import annotations

import difflib
import re
from typing import Generic, Iterator, TypeVar

T = TypeVar("T")

_SEP = re.compile(r"[\s_\-]+")


def normalise_name(name: str) -> str:
    """Canonical form of a registry name: lower case, separators removed."""
    return _SEP.sub("", str(name)).lower()


class UnknownEntryError(KeyError):
    """Raised when a name resolves to no entry of a registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Registry(Generic[T]):
    """Entries by canonical name, with aliases.

    ``kind`` names what the registry holds ("model", "metric", ...) so that error
    messages read well.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        self._names: dict[str, str] = {}  # normalised alias -> canonical name

    def register(self, name: str, entry: T, aliases: tuple[str, ...] | list[str] = (), *, replace: bool = False) -> T:
        keys = [normalise_name(name), *(normalise_name(a) for a in aliases)]
        for key in keys:
            owner = self._names.get(key)
            if owner is not None and owner != name and not replace:
                raise ValueError(f"{self.kind} name {key!r} is already taken by {owner!r}")
        self._entries[name] = entry
        for key in keys:
            self._names[key] = name
        return entry

    def canonical(self, name: str) -> str:
        key = normalise_name(name)
        if key in self._names:
            return self._names[key]
        close = difflib.get_close_matches(key, list(self._names), n=6, cutoff=0.6)
        names = list(dict.fromkeys(self._names[c] for c in close))[:3]  # aliases of one entry count once
        hint = ""
        if names:
            hint = " Did you mean " + " or ".join(repr(n) for n in names) + "?"
        raise UnknownEntryError(
            f"Unknown {self.kind} {name!r}.{hint} Known {self.kind}s: {', '.join(sorted(self._entries))}."
        )

    def get(self, name: str) -> T:
        return self._entries[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise_name(name) in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self):
        return self._entries.items()
