"""Numeric comparison with the facts a learner needs: max abs error, relative error, the worst index.

Numbers are written for people: an expected and a returned value get as many significant digits as it
takes to see that they differ (never "expected 1.11747, got 1.11747"), and a value nearer zero than half
the comparison's ``atol`` is written 0 (a true zero computed as -1.6e-12 is a zero; at half the tolerance
two values that both print 0 can never be the difference that failed the check).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.i18n import pick, tr

# Float64 tolerances for deterministic NumPy work compared with the reference (content.md §7).
RTOL, ATOL = 1e-7, 1e-10
# Significant digits a number is written with, unless more are needed to show a difference; float64 never
# needs more than 17.
SCALAR_DIGITS, ARRAY_DIGITS, MAX_DIGITS = 6, 4, 17


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
    atol: float = 0.0           # the absolute tolerance compared with (values near zero are written 0)

    def summary(self) -> dict:
        """One line in both languages: max abs error, relative error and the worst entry."""
        en = f"max abs error {fmt(self.max_abs, digits=3)}, relative error {fmt(self.rel, digits=3)}"
        ja = f"最大絶対誤差 {fmt(self.max_abs, digits=3)}、相対誤差 {fmt(self.rel, digits=3)}"
        if self.worst_index is not None:
            exp, got = fmt_pair(self.expected_at, self.got_at, atol=self.atol)
            at = tr(f" at {list(self.worst_index)}", f"、位置 {list(self.worst_index)}") if self.worst_index \
                else tr("", "")
            en += f"{at['en']}: expected {exp}, got {got}"
            ja += f"{at['ja']}: 期待値 {exp}、実際 {got}"
        if self.nonfinite:
            en += f"; {self.nonfinite} NaN/inf value(s)"
            ja += f"、NaN/inf が {self.nonfinite} 個"
        return tr(en, ja)


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
                      float(e[worst]), float(g[worst]), int(bad_finite.sum()), atol)


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


def describe(value, lang: str = "en") -> str:
    """A short description of a value's type and shape, for messages (``lang``: ``en`` or ``ja``)."""
    if isinstance(value, np.ndarray):
        return pick(tr(f"array of shape {value.shape}, dtype {value.dtype}",
                       f"形状 {value.shape}、dtype {value.dtype} の配列"), lang)
    if isinstance(value, (list, tuple)):
        name = type(value).__name__
        return pick(tr(f"{name} of length {len(value)}", f"長さ {len(value)} の {name}"), lang)
    return f"{type(value).__name__} {fmt(value)}"


def number(value: float, digits: int = SCALAR_DIGITS, *, atol: float = 0.0, array: bool = False) -> str:
    """One float with ``digits`` significant digits; 0 when nearer zero than half of ``atol``.

    A rounded value keeps its trailing zeros (``1.000`` for 0.99995, never ``1.``); integral values keep a
    decimal point (``2.0``, or NumPy's ``2.`` inside an array), so a float never
    reads as an int.
    """
    value = float(value)
    if abs(value) <= atol / 2:
        value = 0.0
    text = f"{value:.{digits}g}"
    if np.isfinite(value) and float(text) != value:
        text = f"{value:#.{digits}g}"     # rounded: its trailing zeros say so (0.99995 is 1.000, not 1.)
    if np.isfinite(value) and not any(c in text for c in ".e"):
        text += "." if array else ".0"
    return text


def _is_float_data(value) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number, np.ndarray, list)):
        return False
    try:
        return np.asarray(value).dtype.kind in "iuf"
    except (TypeError, ValueError):
        return False


def fmt(value, limit: int = 160, *, digits: int | None = None, atol: float = 0.0) -> str:
    """A compact, bounded text form of a value: floats with ``digits`` significant digits (6 alone, 4 in an
    array by default), values nearer zero than ``atol / 2`` as 0, long arrays elided in the middle."""
    if isinstance(value, (float, np.floating)):
        text = number(value, digits or SCALAR_DIGITS, atol=atol)
    elif isinstance(value, np.ndarray) or (isinstance(value, list) and value and
                                           isinstance(value[0], (list, float, np.floating))):
        arr = np.asarray(value)
        formatter = {"float_kind": lambda v: number(v, digits or ARRAY_DIGITS, atol=atol, array=True)}
        with np.printoptions(threshold=12, edgeitems=2, linewidth=limit, formatter=formatter):
            text = np.array2string(arr, separator=", ")
        text = " ".join(text.split())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def digits_to_differ(expected, got, *, start: int = SCALAR_DIGITS, atol: float = 0.0) -> int:
    """The fewest significant digits (at least ``start``) at which two floats are written as different
    numbers (``1.11747`` and ``1.117470`` are not), or ``start`` when they are equal at full precision."""
    for digits in range(start, MAX_DIGITS + 1):
        a, b = number(expected, digits, atol=atol), number(got, digits, atol=atol)
        if a != b and (float(a) != float(b) or not np.isfinite(float(a)) or not np.isfinite(float(b))):
            return digits
    return start


def fmt_pair(expected, got, *, atol: float = 0.0, limit: int = 160) -> tuple[str, str]:
    """``expected`` and ``got`` written with the same digits, enough to see where they differ most.

    Numbers and same-shaped arrays get the digits their largest difference needs; anything else is written
    as :func:`fmt` writes it.
    """
    if not (_is_float_data(expected) and _is_float_data(got)) or np.shape(expected) != np.shape(got):
        return fmt(expected, limit, atol=atol), fmt(got, limit, atol=atol)
    e, g = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    start = SCALAR_DIGITS if e.ndim == 0 else ARRAY_DIGITS
    digits = start
    if e.size:
        diff = np.where(np.isfinite(g - e), np.abs(g - e), 0.0)
        worst = np.unravel_index(int(np.argmax(diff)), e.shape) if e.ndim else ()
        digits = digits_to_differ(e[worst], g[worst], start=start, atol=atol)
    if e.ndim == 0 and not isinstance(expected, np.ndarray):
        return fmt(expected, limit, digits=digits, atol=atol), fmt(got, limit, digits=digits, atol=atol)
    return fmt(e, limit, digits=digits, atol=atol), fmt(g, limit, digits=digits, atol=atol)
