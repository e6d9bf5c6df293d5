"""Where the bundled plan and the migrations live.

In a wheel they are packaged under ``kctrack/_bundled/`` (pyproject's
force-include); in a source checkout they sit at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    packaged = _PKG / "_bundled" / name
    if packaged.exists():
        return packaged
    return _PKG.parent / name


def default_plan() -> Path:
    return bundled("data") / "targets.yaml"


def migrations_dir() -> Path:
    return bundled("migrations")
