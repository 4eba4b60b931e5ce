"""Named cases: what a check computes with the reference, declared beside the check as data.

``@cases(right=lambda ref: ..., no_lr=lambda ref: ...)`` names each case of a check and how the kit's
reference gives its expected value (``ref.module("numerical_diff")``, or ``ref.with_mistake(code)`` for what
a named mistake computes). The check receives them as the ``expected`` fixture: ``expected["right"]``.
Every input a case uses is fixed by the grader (module constants, seeded generators), never taken from the
learner's results, so the values are the same in every run and ``course release`` can ship them as data.
"""
from __future__ import annotations

import numpy as np

from course.checks.marks import marker

# What "the learner's result matches what that mistake computes" means, for float64 replays of the same
# arithmetic: rounding differences only (the absolute part scaled to the value's magnitude, unless given).
MATCH_RTOL, MATCH_ATOL = 1e-6, 1e-12


def cases(**computes):
    """Declare a check's named cases: ``name=compute`` with ``compute(reference)`` returning plain data."""
    if not computes or not all(callable(c) for c in computes.values()):
        raise TypeError("cases(name=compute, ...) needs at least one case, each a function of the reference")
    return marker("cases", **computes)


def matches(got, value, *, rtol: float = MATCH_RTOL, atol: float | None = None) -> bool:
    """True when ``got`` has ``value``'s structure and numbers close to it (dicts, lists, tuples, arrays): the
    one test of "got is what that computation gives", for the graders' replays and the structural findings.
    ``atol`` defaults to :data:`MATCH_ATOL` times the largest finite magnitude of each value (at least 1)."""
    if isinstance(value, dict):
        return isinstance(got, dict) and got.keys() == value.keys() and all(
            matches(got[k], value[k], rtol=rtol, atol=atol) for k in value)
    if isinstance(value, (list, tuple)) and not _numeric_sequence(value):
        return isinstance(got, (list, tuple)) and len(got) == len(value) and all(
            matches(g, v, rtol=rtol, atol=atol) for g, v in zip(got, value))
    try:
        g, v = _numbers(got), _numbers(value)
    except (TypeError, ValueError):
        return False
    if atol is None:
        finite = v[np.isfinite(v)]
        atol = MATCH_ATOL * max(float(np.max(np.abs(finite))) if finite.size else 0.0, 1.0)
    # NaN where the replay has NaN too (a learning rate that diverges) is the same result.
    return g.shape == v.shape and bool(np.allclose(g, v, rtol=rtol, atol=atol, equal_nan=True))


def which_mistake(got, variants, *, rtol: float = MATCH_RTOL, atol: float | None = None):
    """The code of the first variant that ``got`` matches, or None: the one way the graders name a mistake by
    replaying it. ``variants`` is ``{code: what the reference with that mistake gives}``, or ``(code, value)``
    pairs when several replays stand for one code (each learning rate a learner might have typed)."""
    pairs = variants.items() if isinstance(variants, dict) else variants
    return next((code for code, value in pairs if matches(got, value, rtol=rtol, atol=atol)), None)


def _numeric_sequence(value) -> bool:
    return all(isinstance(v, (int, float, np.generic)) and not isinstance(v, bool) for v in value)


def _numbers(value) -> np.ndarray:
    if hasattr(value, "detach"):              # a torch tensor, without importing torch here
        value = value.detach().cpu().numpy()
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(type(value).__name__)
    return arr.astype(np.float64)
