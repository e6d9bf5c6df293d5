"""Output files are written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kctrack import journal
from kctrack.errors import UsageError


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it becomes ``path`` once the block ends without error.

    A write that fails leaves no half-written file, and a file already called ``path`` stays as it
    was. A place that cannot be written (a folder, a folder that cannot be made or written to, a full
    disk) is one UsageError naming the path.  A KeyboardInterrupt (Ctrl-C) before the rename leaves no
    file either; once renamed, the file is noted in :mod:`kctrack.journal`.
    """
    tmp: Path | None = None
    try:
        try:
            if not path.name or path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            path.parent.mkdir(parents=True, exist_ok=True)
            yield tmp
            try:
                os.replace(tmp, path)
                journal.wrote_file(path)  # for the message after a Ctrl-C: this file is on disk
            except KeyboardInterrupt:
                if not tmp.exists():  # renamed before the interrupt was raised
                    journal.wrote_file(path)
                raise
        except OSError as exc:
            raise UsageError("out_unwritable", where=str(path), reason=exc.strerror or str(exc)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):  # gone once renamed; never made where the folder is not one
                tmp.unlink(missing_ok=True)
