"""The environment variables kctrack reads, each checked like the option it stands for.

One place names them all (:data:`VARIABLES`, listed in docs/security.md and the README).  A value that
is not what the variable takes is a :class:`~kctrack.errors.UsageError` (exit code 2) naming the
variable, the value and what it takes: never a traceback, never a silent fallback to the default.
An empty value counts as unset, as in most programs.

``KCTRACK_DB`` and ``KCTRACK_LANG`` are also read by the command line (they are the environment form of
``--db`` and ``--lang``, checked by click with the options); :func:`check_all` checks the others once
before any command runs, so that a bad one stops the command before it reads or writes anything.

Pure: reads ``os.environ`` (or the mapping given) and nothing else; no kctrack import beyond the errors.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

from kctrack.errors import UsageError


class Said(NamedTuple):
    """What a variable takes, in both languages (a message parameter: :func:`kctrack.i18n.in_lang`)."""

    zh: str
    en: str


# name → what it takes: the message names the variable and shows this
VARIABLES = {
    "KCTRACK_DB": Said(
        "数据库文件路径或 postgresql:// 地址（同 --db）", "a database file path or a postgresql:// URL (as --db)"
    ),
    "KCTRACK_LANG": Said("zh 或 en（同 --lang）", "zh or en (as --lang)"),
    "KCTRACK_USER": Said(
        "记在每项修改上的操作人姓名：1 到 64 个可打印字符",
        "the operator's name recorded with each change: 1 to 64 printable characters",
    ),
    "KCTRACK_BUSY_TIMEOUT": Said(
        "等待其他写入者的秒数：0 到 3600 之间的数", "seconds to wait for another writer: a number from 0 to 3600"
    ),
    "KCTRACK_MAX_FILE_MB": Said(
        "读取工作簿的最大文件大小（MB）：1 到 1024 的整数",
        "the largest workbook read, in MB: a whole number from 1 to 1024",
    ),
    "KCTRACK_MAX_UNCOMPRESSED_MB": Said(
        "工作簿解压后的最大大小（MB）：1 到 10240 的整数",
        "the most a workbook may expand to, in MB: a whole number from 1 to 10240",
    ),
}

DEFAULT_BUSY_TIMEOUT_S = 30.0
MAX_BUSY_TIMEOUT_S = 3600.0  # an hour: longer is a hung command, not a busy database
MAX_USER_CHARS = 64


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return value if value else None


def _bad(name: str, value: str) -> UsageError:
    return UsageError("env_bad", where=name, value=value[:80], expected=VARIABLES[name])


def db(environ: Mapping[str, str] | None = None) -> str | None:
    """``KCTRACK_DB``: the database (as ``--db``), or None when unset; checked where it is used
    (:func:`kctrack.store.locate`), as ``--db`` is."""
    return _raw("KCTRACK_DB", environ)


def user(environ: Mapping[str, str] | None = None) -> str | None:
    """``KCTRACK_USER``: the operator's name, or None when unset.

    Raises UsageError for a name over :data:`MAX_USER_CHARS` characters or holding a control character
    (it is printed in history and the export, and must not carry terminal escapes).
    """
    value = _raw("KCTRACK_USER", environ)
    if value is None:
        return None
    name = value.strip()
    if not name or len(name) > MAX_USER_CHARS or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise _bad("KCTRACK_USER", value)
    return name


def busy_timeout(environ: Mapping[str, str] | None = None) -> float:
    """``KCTRACK_BUSY_TIMEOUT``: seconds a command waits for another writer's lock (default 30).

    Raises UsageError unless it is a finite number from 0 to :data:`MAX_BUSY_TIMEOUT_S`.
    """
    value = _raw("KCTRACK_BUSY_TIMEOUT", environ)
    if value is None:
        return DEFAULT_BUSY_TIMEOUT_S
    try:
        seconds = float(value.strip())
    except ValueError:
        raise _bad("KCTRACK_BUSY_TIMEOUT", value) from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_BUSY_TIMEOUT_S:
        raise _bad("KCTRACK_BUSY_TIMEOUT", value)
    return seconds


def megabytes(name: str, default: int, most: int, environ: Mapping[str, str] | None = None) -> int:
    """A size limit in MB from the variable ``name`` (``KCTRACK_MAX_FILE_MB``…), else ``default``; in bytes.

    Raises UsageError unless it is a whole number from 1 to ``most``.
    """
    value = _raw(name, environ)
    if value is None:
        return default * 2**20
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise _bad(name, value)
    return int(text) * 2**20


def max_file_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The largest workbook file read, in bytes: ``KCTRACK_MAX_FILE_MB`` (default 50 MB; a return is tens
    of KB, a national workbook a few MB)."""
    return megabytes("KCTRACK_MAX_FILE_MB", 50, 1024, environ)


def max_uncompressed_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The most a workbook's zip may expand to, in bytes: ``KCTRACK_MAX_UNCOMPRESSED_MB`` (default 500 MB)."""
    return megabytes("KCTRACK_MAX_UNCOMPRESSED_MB", 500, 10240, environ)


def check_all(environ: Mapping[str, str] | None = None) -> None:
    """Check every variable kctrack reads besides ``--db``/``--lang``'s: the first bad one raises UsageError."""
    user(environ)
    busy_timeout(environ)
    max_file_bytes(environ)
    max_uncompressed_bytes(environ)
