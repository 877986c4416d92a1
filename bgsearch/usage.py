"""Typer and Click, made to speak like every other bgsearch message: a usage error is one
``bgsearch: error:`` line, a bare ``bgsearch`` prints its help, usage lines read plainly, and
completion help is plain text."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from bgsearch import notices
from bgsearch.errors import ExitStatus
from bgsearch.notices import PROG

__all__ = ["OneLineErrors", "PlainUsage", "plain_completion_help"]

# Typer vendors Click and exports only BadParameter; its bases are Click's usage error types.
_UsageError: type[Exception] = typer.BadParameter.__mro__[1]
_ClickError: type[Exception] = typer.BadParameter.__mro__[2]


class OneLineErrors(TyperGroup):
    """Usage errors as one ``bgsearch: error:`` line, like every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            status = super().main(*args, **kwargs)
        except _ClickError as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # bare "bgsearch": help, no error
                sys.stdout.write(f"{error.format_message()}\n")  # type: ignore[attr-defined]
                status = ExitStatus.HITS
            else:
                notices.error(_usage_message(error))
                status = getattr(error, "exit_code", ExitStatus.ERROR)
        except typer.Abort:
            status = ExitStatus.INTERRUPTED
        sys.exit(int(status or 0))


class PlainUsage(TyperCommand):
    """Usage lines as Click writes them: ``bgsearch query [OPTIONS] QUERY`` (Typer puts a
    required argument in braces, which reads as shell or set syntax)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


def _usage_message(error: Exception) -> str:
    message = str(getattr(error, "format_message", lambda: error)())
    context = getattr(error, "ctx", None)
    command = getattr(context, "info_name", None)
    option = str(getattr(error, "option_name", ""))
    if type(error).__name__ == "NoSuchOption" and command == "query" and option[1:2] != "-":
        return f"{message} (a query that starts with '-' goes after '--': {PROG} query -- '-ma')"
    if isinstance(error, _UsageError) and context is not None:
        return f"{message} (see '{context.command_path} --help')"
    return message


def plain_completion_help() -> None:
    """Typer renders completion help text with Rich (zsh, fish, PowerShell); ours is plain."""
    try:
        from typer import _completion_classes
    except ImportError:  # pragma: no cover - a Typer without that module
        return
    if hasattr(_completion_classes, "_sanitize_help_text"):
        _completion_classes._sanitize_help_text = lambda text: text
