"""Options shared by several commands, declared once."""
from __future__ import annotations

import click

from course.i18n import default_lang

lang_option = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages (default: from the locale; COURSE_LANG overrides).")
timeout_option = click.option("--timeout", type=float, default=None,
                              help="Seconds of the learner's CPU time per exercise (default: the registry's, usually 60).")
memory_option = click.option("--memory", type=float, default=4.0, show_default=True,
                             help="Memory limit of the learner's process, in GiB.")
device_option = click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
                             help="Torch device for the PyTorch exercises (GPU-marked checks need cuda).")

isolation_option = click.option(
    "--isolation", type=click.Choice(["process"]), default=None,
    help="Accept plain process isolation where the machine allows neither kernel namespaces nor running "
         "learner code as a user of its own (learner code could then read the solutions and the results); "
         "without it such a machine grades nothing and says why.")


def require_isolation(accepted: str | None) -> str:
    """The isolation learner code will get here; a usage error when it is plain process isolation and the
    instructor did not accept it by name (weak isolation is never silent)."""
    from course.sandbox.launch import isolation_mode
    mode = isolation_mode()
    if mode == "process" and accepted != "process":
        raise click.UsageError(
            "this machine gives learner code only plain process isolation (no user namespaces, not root): it "
            "could read the solutions and rewrite results. Grade where user namespaces are allowed (see "
            "docs/security.md), or pass --isolation process to accept it.")
    return mode


def require_device(device: str) -> None:
    """A usage error for --device cuda on a machine without CUDA (else the reference itself would fail)."""
    if device != "cuda":
        return
    try:
        import torch
        available = torch.cuda.is_available()
    except ImportError:
        available = False
    if not available:
        raise click.UsageError("--device cuda, but this machine has no CUDA device that torch can use; grade "
                               "with --device cpu (GPU-marked checks are then skipped) or on a GPU machine")


def resolve_lang(lang: str | None) -> str:
    """The language asked for, or the locale's."""
    return lang or default_lang()


def make_limits(exercise, timeout: float | None, memory_gib: float):
    """The sandbox limits for one exercise from the command-line options."""
    from course.grading.limits import exercise_limits
    return exercise_limits(exercise, timeout, memory_gib)
