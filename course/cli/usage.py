"""Usage errors in the user's language: what a command says when it is asked for something that is not there."""
from __future__ import annotations

import click

from course.i18n import pick, tr


def exercise(name: str, lang: str):
    """The exercise ``name`` names (``exercise3``, ``ex3`` or ``3``), or a usage error (exit 2) listing them."""
    from course import registry
    try:
        return registry.get(name)
    except KeyError:
        known = ", ".join(e.id for e in registry.exercises())
        raise click.UsageError(pick(tr(f"no exercise called {name!r} (known: {known})",
                                       f"{name!r} という演習はありません (あるのは {known})"), lang)) from None


def not_found(path, lang: str) -> click.UsageError:
    """The usage error for a file or folder that is not there."""
    return click.UsageError(pick(tr(f"{path} not found", f"{path} が見つかりません"), lang))
