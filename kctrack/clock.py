"""Time stamps: stored in UTC, shown to people in their own time zone.

The database keeps every time stamp as ISO 8601 in UTC with its offset
(``2020-06-05T20:48:08+00:00``, :func:`kctrack.store.now`), and the JSON
output gives them unchanged: that is the stable contract.  Wherever a person
reads one — a table, a CSV or Markdown listing, a sheet of the export, a
message — it goes through :func:`local_time` once.
"""

from __future__ import annotations

from datetime import UTC, datetime

# To the minute: a table column a person scans; the exact second stays in the JSON.
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"


def local_time(stamp: str | None) -> str:
    """A stored time stamp as the analyst's local time, to the minute: ``YYYY-MM-DD HH:MM``.

    The zone is the process's local zone: the ``TZ`` environment variable where
    set (``Asia/Shanghai``), else the system's (``datetime.astimezone()`` with no
    argument).  Seconds are dropped, not rounded.  ``2020-06-05T20:48:08+00:00``
    is ``2020-06-06 04:48`` in Asia/Shanghai and ``2020-06-05 20:48`` in UTC.

    None or "" gives ""; a stamp without an offset is taken as UTC (kctrack
    writes none, an older tool might have); text that is no ISO 8601 time
    stamp is returned as it is, so that a stray value is shown, not hidden.
    Never raises.
    """
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone().strftime(DISPLAY_FORMAT)
    except (OverflowError, OSError, ValueError):  # a year the platform's localtime() cannot take
        return str(stamp)
