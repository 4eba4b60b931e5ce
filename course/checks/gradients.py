"""Gradient checks: the kit's own float64 central differences and a per-parameter diagnostics table.

A gradient is never judged entry by entry with a relative error (entries near zero make that meaningless,
content.md §7): each parameter is compared with ``allclose`` and an ``atol`` scaled to the size of the
expected gradient, and reported with its norm ratio ‖got − expected‖ / ‖expected‖, its worst index, and the
numerical derivative there. When the check fails, the table and a plain-language verdict (which parameters
are right, which are a constant multiple of the right answer) go into the :class:`CheckFailure`, so
``course check`` shows them and the JSON result keeps them under ``details["gradients"]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course.checks import CheckFailure
from course.checks.compare import SCALAR_DIGITS, as_float_array, constant_ratio, describe, digits_to_differ, number
from course.checks.diagnose import gradients_finding, sizes_of
from course.i18n import pick, tr

# Step of the kit's central differences: in float64 the truncation and rounding errors balance near 1e-5
# (content.md §4: error ~1e-11 for smooth functions).
H = 1e-5
# Learner's backprop vs the reference's (the same arithmetic up to rounding).
REF_RTOL, REF_ATOL = 1e-6, 1e-8
# Learner's backprop vs the kit's central difference (truncation error ~h² plus rounding).
NUM_RTOL, NUM_ATOL = 1e-4, 1e-6


def central_difference(f, x, h: float = H) -> np.ndarray:
    """∂f/∂x of a scalar function ``f`` at ``x`` by central differences, in float64.

    ``f`` gets a fresh float64 copy of ``x`` with one entry moved by ±h for each evaluation, so a function
    that keeps or changes its argument cannot disturb the next evaluation.
    """
    x = as_float_array(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (float(f(plus)) - float(f(minus))) / (2 * h)
    return grad


def layer_gradient(forward, x, dout, h: float = H) -> np.ndarray:
    """What ``backward(dout)`` of a layer must return for input ``x``: Σ (f(x+h) − f(x−h))·dout / 2h.

    ``forward(x)`` returns the layer's output (any shape, matching ``dout``); the sum with the upstream
    gradient turns it into a scalar, so one central difference per input entry suffices.
    """
    dout = as_float_array(dout)
    return central_difference(lambda v: np.sum(as_float_array(forward(v)) * dout), x, h)


@dataclass
class GradientRow:
    """How one parameter's gradient compares with the expected one."""

    name: str
    expected: np.ndarray
    got: np.ndarray | None            # None when the learner's value was not an array of numbers
    numerical: np.ndarray | None = None
    ok: bool = False
    problem: str = ""                 # "", "type", "shape" or "values"
    max_abs: float = float("nan")
    rel: float = float("nan")         # ‖got − expected‖ / ‖expected‖
    worst_index: tuple | None = None
    ratio: float | None = None        # c when got ≈ c·expected everywhere
    transposed: bool = False          # got is expected.T (and the shapes or values say so)
    got_description: str = field(default="")

    @property
    def shape(self) -> tuple:
        return self.expected.shape

    def at(self, which: np.ndarray | None) -> float | None:
        """``which`` at the worst index (None when not available)."""
        if which is None or self.worst_index is None or np.shape(which) != self.shape:
            return None
        return float(np.asarray(which)[self.worst_index])

    def to_dict(self) -> dict:
        """The JSON-friendly facts of this row (what the result model keeps)."""
        return {"name": self.name, "shape": list(self.shape), "ok": self.ok, "problem": self.problem,
                "max_abs_error": self.max_abs, "relative_error": self.rel,
                "worst_index": list(self.worst_index) if self.worst_index is not None else None,
                "expected_at": self.at(self.expected), "got_at": self.at(self.got),
                "numerical_at": self.at(self.numerical), "ratio": self.ratio, "transposed": self.transposed,
                "got": self.got_description}


def compare_gradient(name: str, got, expected, *, numerical=None, rtol: float = REF_RTOL,
                     atol: float = REF_ATOL) -> GradientRow:
    """Compare one gradient; ``atol`` is scaled by the largest expected entry (never below 1e-12)."""
    expected = as_float_array(expected)
    numerical = None if numerical is None else as_float_array(numerical)
    try:
        arr = as_float_array(got)
    except (TypeError, ValueError):
        return GradientRow(name, expected, None, numerical, problem="type", got_description=describe(got))
    row = GradientRow(name, expected, arr, numerical, got_description=describe(got))
    if arr.shape != expected.shape:
        row.problem = "shape"
        row.transposed = arr.shape == expected.T.shape and np.allclose(arr, expected.T, rtol=rtol,
                                                                        atol=atol * _scale(expected))
        return row
    diff = np.abs(arr - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    tol = atol * _scale(expected) + rtol * np.abs(expected)
    row.ok = bool(np.all(diff <= tol))
    row.max_abs = float(diff.max()) if diff.size else 0.0
    norm_e = float(np.linalg.norm(expected))
    norm_d = float(np.linalg.norm(diff)) if np.isfinite(diff).all() else float("inf")
    row.rel = norm_d / norm_e if norm_e > 0 else (0.0 if norm_d == 0 else float("inf"))
    if diff.size:
        row.worst_index = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    if not row.ok:
        row.problem = "values"
        row.ratio = constant_ratio(arr, expected)
        row.transposed = (expected.ndim == 2 and expected.shape[0] == expected.shape[1] and
                          not np.allclose(expected, expected.T) and
                          np.allclose(arr, expected.T, rtol=rtol, atol=atol * _scale(expected)))
    return row


def _scale(a: np.ndarray) -> float:
    return max(float(np.max(np.abs(a))) if a.size else 0.0, 1e-12)


def compare_gradients(got: dict, expected: dict, *, numerical: dict | None = None, rtol: float = REF_RTOL,
                      atol: float = REF_ATOL) -> dict[str, GradientRow]:
    """One :class:`GradientRow` per name of ``expected`` (a missing name in ``got`` is a type problem)."""
    numerical = numerical or {}
    return {name: compare_gradient(name, got.get(name) if isinstance(got, dict) else None, exp,
                                   numerical=numerical.get(name), rtol=rtol, atol=atol)
            for name, exp in expected.items()}


def _num(value: float | None, digits: int = SCALAR_DIGITS) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else number(value, digits)


def table(rows: dict[str, GradientRow], lang: str) -> str:
    """The per-parameter table: name, shape, max abs error, norm ratio, worst index, expected/got/numerical."""
    head = {"en": ("param", "shape", "max abs err", "rel err", "worst idx", "expected", "got", "numerical"),
            "ja": ("パラメータ", "形状", "最大絶対誤差", "相対誤差", "最悪の位置", "期待値", "実際", "数値微分")}
    lines = [[*pick(head, lang)]]
    for r in rows.values():
        if r.problem in ("type", "shape"):
            got = r.got_description if r.problem == "type" else f"shape {r.got.shape}"
            lines.append([r.name, str(r.shape), "-", "-", "-", "-", got, "-"])
            continue
        idx = "-" if r.worst_index is None else str(list(r.worst_index))
        expected, got = r.at(r.expected), r.at(r.got)
        # A wrong row gets as many digits as it takes to see the expected and the returned value differ.
        digits = SCALAR_DIGITS if r.ok or expected is None or got is None else digits_to_differ(expected, got)
        lines.append([r.name, str(r.shape), f"{r.max_abs:.3g}", f"{r.rel:.3g}", idx, _num(expected, digits),
                      _num(got, digits), _num(r.at(r.numerical), digits)])
    if all(r.numerical is None for r in rows.values()):
        lines = [line[:-1] for line in lines]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  " + "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths)).rstrip()
                     for line in lines)


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def verdict(rows: dict[str, GradientRow], lang: str) -> str:
    """A plain-language summary: which gradients are right, and what is wrong with the others."""
    good = [r.name for r in rows.values() if r.ok]
    parts = []
    for r in rows.values():
        if r.ok:
            continue
        if r.problem == "type":
            parts.append(tr(f"{r.name} is not an array of numbers ({r.got_description})",
                            f"{r.name} が数値の配列ではありません ({r.got_description})"))
        elif r.transposed:
            parts.append(tr(f"{r.name} is the transpose of the right value",
                            f"{r.name} は正しい値の転置になっています"))
        elif r.problem == "shape":
            parts.append(tr(f"{r.name} has shape {r.got.shape}, expected {r.shape}",
                            f"{r.name} の形状が {r.got.shape} です (期待値 {r.shape})"))
        elif r.ratio is not None:
            parts.append(tr(f"{r.name} is exactly {_factor(r.ratio)} × the right value",
                            f"{r.name} は正しい値のちょうど {_factor(r.ratio)} 倍です"))
        elif r.got is not None and not np.isfinite(r.got).all():
            parts.append(tr(f"{r.name} contains NaN/inf", f"{r.name} に NaN/inf が含まれます"))
        else:
            wrong = int(np.sum(~np.isclose(r.got, r.expected, rtol=1e-6, atol=1e-8 * _scale(r.expected))))
            parts.append(tr(f"{r.name} differs in {wrong} of {r.expected.size} entries",
                            f"{r.name} は {r.expected.size} 個中 {wrong} 個の要素が違います"))
    text = pick(tr("; ", "。"), lang).join(pick(p, lang) for p in parts)
    if good:
        text += pick(tr(f"; right: {', '.join(good)}", f"。正しい: {', '.join(good)}"), lang)
    return text


def _factor(c: float) -> str:
    """A ratio as people write it: 3, -1, 1/3, 3.162."""
    if abs(c - round(c)) < 1e-6 * max(1.0, abs(c)):
        return str(int(round(c)))
    inv = 1 / c
    if abs(inv - round(inv)) < 1e-6 * max(1.0, abs(inv)):
        return f"1/{int(round(inv))}"
    return f"{c:.4g}"


def expect_gradients(got: dict, expected: dict, *, call: str, inputs: dict | None = None,
                     numerical: dict | None = None, rtol: float = REF_RTOL, atol: float = REF_ATOL,
                     against: str = "reference", diagnose=None, title=None,
                     sizes: dict | None = None) -> dict[str, GradientRow]:
    """Fail with the per-parameter table unless every gradient in ``got`` matches ``expected``.

    ``against`` names what ``expected`` is (``"reference"`` or ``"numerical"``) for the message;
    ``diagnose(rows)`` returns a confirmed mistake (a code or a finding) or None, and then the structure of the
    wrong rows (swapped, one exact ratio, transposed, zeros, NaN) is named, ``sizes`` as in ``expect_close``; ``title`` (a ``tr`` pair) replaces "wrong
    gradients" when the arrays are something else (an optimizer's parameter updates). Returns the rows
    when everything matches.
    """
    title = title or tr("wrong gradients", "勾配が違います")
    rows = compare_gradients(got, expected, numerical=numerical, rtol=rtol, atol=atol)
    if all(r.ok for r in rows.values()):
        return rows
    what = {"reference": tr("the reference solution", "模範解答"),
            "numerical": tr("the kit's numerical gradient (central difference)", "キットの数値微分 (中心差分)")}[against]
    summary = {lang: "\n".join([pick(title, lang) + pick(tr(" (compared with ", " ("), lang)
                                + pick(what, lang) + pick(tr(")", "と比較)"), lang),
                                table(rows, lang),
                                pick(tr("verdict: ", "判定: "), lang) + verdict(rows, lang)])
               for lang in ("en", "ja")}
    finding = (diagnose(rows) if diagnose else None) or gradients_finding(
        got if isinstance(got, dict) else {}, expected, [r.name for r in rows.values() if not r.ok],
        sizes_of(inputs) if sizes is None else sizes)
    raise CheckFailure(summary, call=call, inputs=inputs, diagnosis=finding,
                       details={"gradients": [r.to_dict() for r in rows.values()], "against": against})


def remote_float(learner, method, *args) -> float:
    """``method(*args)`` of a learner proxy as a Python float, whatever number type the learner returns.

    A loss computed with NumPy is an ``np.float64``; taking the result as a reference and converting it in
    the learner's process sends back a plain float.
    """
    return learner.call("float", method.ref(*args))


def ratio_is(row: GradientRow, value: float, rtol: float = 1e-6) -> bool:
    """True when ``row``'s gradient is ``value`` × the expected one."""
    return row.ratio is not None and abs(row.ratio - value) <= rtol * abs(value)


__all__ = ["H", "REF_RTOL", "REF_ATOL", "NUM_RTOL", "NUM_ATOL", "central_difference", "layer_gradient",
           "GradientRow", "compare_gradient", "compare_gradients", "table", "verdict", "expect_gradients",
           "ratio_is", "remote_float"]
