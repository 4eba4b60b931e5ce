"""The sandbox limits of one exercise, from the registry and what the caller overrides (a command's
``--timeout`` and ``--memory``, a batch's settings)."""
from __future__ import annotations

from course.sandbox.launch import Limits

DEFAULT_MEMORY_GIB = 4.0


def exercise_limits(exercise, timeout: float | None = None, memory_gib: float = DEFAULT_MEMORY_GIB) -> Limits:
    """The limits for ``exercise``: ``timeout`` seconds for the exercise (default: the registry's), the
    registry's seconds per check, and ``memory_gib`` GiB."""
    return Limits(timeout=timeout or exercise.timeout, check_timeout=exercise.check_timeout,
                  memory=int(memory_gib * 1024 ** 3))
