"""What the running command has written so far: the account a Ctrl-C is told from.

A command writes to the database in transactions and to the disk in whole
files.  Each write is noted here once it is done, and only then: a transaction
once its COMMIT has gone through (:meth:`kctrack.store.Connection.transaction`),
a file once it has its final name (:func:`kctrack.files.replacing`,
:func:`kctrack.store.backup`), a schema migration while it runs
(:func:`kctrack.store.migrate`).  When Ctrl-C stops a command, the CLI reads
:func:`current` and says in one line what is in the database and on disk: a
transaction the interrupt hit was rolled back and is not here.

The CLI starts a fresh account for each command (:func:`begin`).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Commit:
    """A committed transaction: whether it changed anything, and the batches (id, import run or None) it wrote."""

    wrote: bool
    batches: list[tuple[int, int | None]]


@dataclass
class Account:
    """Everything written since :func:`begin`."""

    commits: dict[int, Commit] = field(default_factory=dict)  # by transaction number: noting one twice is harmless
    files: list[Path] = field(default_factory=list)
    migrating: bool = False  # a schema migration had begun and not finished
    migrated: bool = False  # a schema migration had finished

    @property
    def batches(self) -> list[int]:
        """The ids of the batches committed, in order."""
        return sorted({b for c in self.commits.values() for b, _ in c.batches})

    @property
    def runs(self) -> list[int]:
        """The import runs those batches belong to."""
        return sorted({r for c in self.commits.values() for _, r in c.batches if r is not None})

    @property
    def changed(self) -> bool:
        """Whether any committed transaction changed the database (a dry run's does not)."""
        return any(c.wrote for c in self.commits.values())

    @property
    def nothing(self) -> bool:
        """Nothing written at all: no change committed, no file, no schema touched."""
        return not (self.changed or self.files or self.migrating or self.migrated)


_account = Account()
_numbers = itertools.count(1)


def begin() -> None:
    """Start a new account (a new command)."""
    global _account
    _account = Account()


def current() -> Account:
    """The account since the last :func:`begin`."""
    return _account


def transaction_number() -> int:
    """A number for a transaction about to begin, to note its commit under."""
    return next(_numbers)


def committed(number: int, wrote: bool, batches: Iterable[tuple[int, int | None]] = ()) -> None:
    """Note a transaction whose COMMIT has gone through (idempotent for one ``number``)."""
    _account.commits[number] = Commit(wrote, list(batches))


def wrote_file(path: Path) -> None:
    """Note a file written whole under its final name (once, however often it is noted)."""
    if path not in _account.files:
        _account.files.append(path)


@contextlib.contextmanager
def migrating() -> Iterator[None]:
    """Around a schema migration: while it runs, an interrupt may leave the schema part-way."""
    _account.migrating = True
    yield
    _account.migrating = False
    _account.migrated = True
