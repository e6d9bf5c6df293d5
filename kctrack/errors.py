"""The one error type of kctrack.

The domain raises :class:`KctrackError` (or a subclass) with a message key from
:mod:`kctrack.i18n`, the place the problem was found (file, line, sheet, cell)
and parameters; the CLI catches it once, renders it in the user's language on
stderr and exits with ``exit_code`` (1 for bad data, 2 for bad usage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kctrack.i18n import Localized


class KctrackError(Exception):
    exit_code = 1

    def __init__(self, key: str, where: str | Localized | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.where = where
        self.params = params

    def message(self, lang: str) -> str:
        """The message alone, without the place."""
        from kctrack.i18n import tr

        return tr(self.key, lang, **self.params)

    def where_text(self, lang: str) -> str:
        """The place in ``lang`` as it is printed: a control character in a file or sheet name escaped
        (:func:`kctrack.words.printable`), so that the message stays one line a terminal only shows."""
        from kctrack.i18n import in_lang
        from kctrack.words import printable

        return printable(str(in_lang(self.where, lang))) if self.where else ""

    def render(self, lang: str) -> str:
        """The message after its place; a place naming a unit (a :class:`~kctrack.plan.Bilingual`) in ``lang``.

        The message's parameters and the place are data: their control characters are shown escaped
        (:func:`kctrack.i18n.tr`, :meth:`where_text`)."""
        text = self.message(lang)
        return f"{self.where_text(lang)}: {text}" if self.where else text

    def __str__(self) -> str:  # for logs and pytest output
        return self.render("en")


class UsageError(KctrackError):
    """Bad arguments on the command line (exit code 2)."""

    exit_code = 2


class PlanError(KctrackError):
    """A plan file that does not validate (exit code 2)."""

    exit_code = 2


class DataError(KctrackError):
    """Bad data: a return, a value, a record (exit code 1)."""

    exit_code = 1


class DatabaseError(KctrackError):
    """The database cannot be used as asked (exit code 1)."""

    exit_code = 1


class ManyErrors(KctrackError):
    """Several problems found at once (every bad cell of a return)."""

    def __init__(self, errors: list[KctrackError], exit_code: int = 1) -> None:
        super().__init__("many_errors", count=len(errors))
        self.errors = errors
        self.exit_code = exit_code

    def render(self, lang: str) -> str:
        from kctrack.i18n import tr

        head = tr("many_errors", lang, count=len(self.errors))
        return "\n".join([head, *(e.render(lang) for e in self.errors)])
