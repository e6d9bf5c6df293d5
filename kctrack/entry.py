"""The ``kctrack`` program (the console script, and ``python -m kctrack``): as little as possible runs
before Ctrl-C is handled.

Importing the command line (typer, rich, the domain) takes a good part of a second, and a Ctrl-C in
that time used to end in Python's traceback.  Now a Ctrl-C then is held until the import is done (a
fraction of a second) and told in one line on stderr, like one at any later moment
(:func:`kctrack.cli.main`), with exit code 130: nothing has been written, no command has begun.
It is held rather than raised inside the import because a KeyboardInterrupt raised there can come out
as another error (CPython 3.11 turns one inside a class's ``__set_name__`` into a RuntimeError) or be
lost in a callback ("Exception ignored in …").  A second Ctrl-C is not held.

This module imports nothing of kctrack's and nothing slow at its top.  What Python and the installer's
launcher do before it is imported (the first few hundredths of a second) is beyond its reach.
"""

import sys

try:  # the C module under signal.py: loaded at start-up already, where signal.py would import enum
    import _signal
except ImportError:  # pragma: no cover - an interpreter without it: the Ctrl-C is raised, not held
    _signal = None  # type: ignore[assignment]

INTERRUPTED = 130  # 128 + SIGINT, as kctrack.cli.INTERRUPTED


def main() -> None:
    """Import the command line and run it; a Ctrl-C during the import says that nothing was written."""
    held: list[int] = []
    previous = None
    try:
        previous = _hold(held)
        from kctrack.cli import main as run
    except KeyboardInterrupt:  # a second Ctrl-C, or one that could not be held
        raise SystemExit(_say_nothing_written()) from None
    finally:
        if previous is not None:
            _signal.signal(_signal.SIGINT, previous)
    if held:
        raise SystemExit(_say_nothing_written())
    try:
        run()
    except KeyboardInterrupt:  # one that landed as kctrack.cli.main was entered, before its own handling
        from kctrack.cli import interrupted

        interrupted()


def _hold(held: list[int]) -> object:
    """From now on a first Ctrl-C is noted in ``held`` instead of raised; a second one is raised.  Returns
    the handler to put back, or None when Ctrl-C is left alone (not Python's own handler: ignored in a
    background job, say)."""
    if _signal is None or _signal.getsignal(_signal.SIGINT) is not _signal.default_int_handler:
        return None

    def note(signum: int, frame: object) -> None:
        if held:
            raise KeyboardInterrupt
        held.append(signum)

    _signal.signal(_signal.SIGINT, note)
    return _signal.default_int_handler


def lang_of(argv: list[str]) -> str:
    """The language asked for, before the options are parsed: --lang, else KCTRACK_LANG, else Chinese."""
    for i, arg in enumerate(argv):
        value = (
            arg.split("=", 1)[1]
            if arg.startswith("--lang=")
            else argv[i + 1]
            if arg == "--lang" and i + 1 < len(argv)
            else None
        )
        if value in ("zh", "en"):
            return value
    from kctrack.i18n import lang_from_env

    return lang_from_env()


def _say_nothing_written() -> int:
    """Say that the command was interrupted before anything was written; the exit code (130).  A Ctrl-C
    meanwhile only cuts the line short."""
    try:
        from kctrack.i18n import tr

        lang = lang_of(sys.argv[1:])
        sys.stderr.write(tr("interrupted", lang, what=tr("intr_nothing", lang)) + "\n")
        sys.stderr.flush()
    except KeyboardInterrupt:
        pass
    return INTERRUPTED
