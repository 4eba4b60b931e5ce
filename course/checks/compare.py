"""Numeric comparison with the facts a learner needs: max abs error, relative error, the worst index."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Float64 tolerances for deterministic NumPy work compared with the reference (content.md §7).
RTOL, ATOL = 1e-7, 1e-10


@dataclass
class Comparison:
    """How an array the learner returned differs from the expected one."""

    close: bool
    max_abs: float
    rel: float                  # ‖got − expected‖ / ‖expected‖ (a norm ratio, stable near zeros)
    worst_index: tuple | None
    expected_at: float | None
    got_at: float | None
    nonfinite: int = 0          # NaN/inf entries where the expected value is finite

    def summary(self) -> str:
        """One line: max abs error, relative error and the worst entry."""
        at = ""
        if self.worst_index is not None:
            idx = list(self.worst_index) if self.worst_index else "()"
            at = f" at {idx}: expected {fmt(self.expected_at)}, got {fmt(self.got_at)}"
        extra = f"; {self.nonfinite} NaN/inf value(s)" if self.nonfinite else ""
        return f"max abs error {self.max_abs:.3g}, relative error {self.rel:.3g}{at}{extra}"


def as_float_array(value) -> np.ndarray:
    """``value`` as a float64 array (raises TypeError/ValueError for things that are not numbers)."""
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"expected numbers, got {describe(value)}")
    return arr.astype(np.float64)


def compare(got, expected, *, rtol: float = RTOL, atol: float = ATOL) -> Comparison:
    """Compare two same-shaped numeric arrays with ``allclose`` semantics and describe the difference."""
    g, e = as_float_array(got), as_float_array(expected)
    diff = np.abs(g - e)
    bad_finite = ~np.isfinite(g) & np.isfinite(e)
    both_nan = np.isnan(g) & np.isnan(e)
    same_inf = np.isinf(g) & np.isinf(e) & (np.sign(g) == np.sign(e))
    diff = np.where(both_nan | same_inf, 0.0, np.where(np.isfinite(diff), diff, np.inf))
    tol = atol + rtol * np.abs(np.where(np.isfinite(e), e, 0.0))
    close = bool(np.all(diff <= tol))
    if g.size == 0:
        return Comparison(True, 0.0, 0.0, None, None, None)
    worst = np.unravel_index(int(np.argmax(diff - tol)), g.shape) if g.ndim else ()
    norm_e = float(np.linalg.norm(np.where(np.isfinite(e), e, 0.0)))
    finite = np.isfinite(diff)
    norm_d = float(np.linalg.norm(np.where(finite, diff, 0.0))) if finite.all() else np.inf
    rel = norm_d / norm_e if norm_e > 0 else (0.0 if norm_d == 0 else np.inf)
    return Comparison(close, float(np.max(diff)), rel, tuple(int(i) for i in worst),
                      float(e[worst]), float(g[worst]), int(bad_finite.sum()))


def constant_ratio(got, expected, *, rtol: float = 1e-6) -> float | None:
    """The factor c when ``got ≈ c·expected`` everywhere (a missing /N, 0.5 or a sign), else None."""
    try:
        g, e = as_float_array(got), as_float_array(expected)
    except (TypeError, ValueError):
        return None
    if g.shape != e.shape or not np.all(np.isfinite(g)) or not np.any(e):
        return None
    c = float(np.vdot(g, e) / np.vdot(e, e))
    if c == 0 or not np.allclose(g, c * e, rtol=rtol, atol=1e-12 * float(np.abs(e).max())):
        return None
    return c


def describe(value) -> str:
    """A short description of a value's type and shape, for messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}, dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {fmt(value)}"


def fmt(value, limit: int = 160) -> str:
    """A compact, bounded text form of a value (arrays with 4 significant digits)."""
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    elif isinstance(value, np.ndarray) or (isinstance(value, list) and value and
                                           isinstance(value[0], (list, float, np.floating))):
        with np.printoptions(precision=4, threshold=12, edgeitems=2, linewidth=limit, suppress=False):
            text = np.array2string(np.asarray(value), separator=", ")
        text = " ".join(text.split())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
