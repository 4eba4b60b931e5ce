"""Structural diagnosis: the shape a wrong answer takes, found from the numbers alone.

When a check fails and no mistake of the exercise is confirmed, :func:`structural` looks at what came back
against what was expected: an exact ratio (×2, ×N, ×1/C, ×1/n, ×−1), a transpose, all zeros, NaN/inf where
the answer is finite; :func:`swapped` finds two outputs in each other's place and :func:`shifted` a value of
the step before. Each answer is a :class:`Finding`: a code of ``course.mistakes.structure`` and the numbers
that show it, which the failure's message prints. A finding is a fact about the numbers, so it is named only
when it is unambiguous: a ratio of 3 with a batch of 3 and 3 classes is reported, but not named.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.checks.cases import MATCH_RTOL, matches, which_mistake
from course.checks.compare import as_float_array, constant_ratio, fmt
from course.i18n import tr

# A structural match is the same arithmetic up to rounding (the kit's float64 replays agree to ~1e-12).


@dataclass(frozen=True)
class Finding:
    """What the numbers show: a catalogue code (None when the facts fit more than one) and the note."""

    code: str | None
    note: dict            # a tr pair with the numbers


# Sizes a learner may wrongly divide or multiply by, in the order a tie is reported.
SIZE_NAMES = {"N": tr("the batch size N", "バッチサイズ N"),
              "C": tr("the number of classes (columns) C", "クラス数 (列数) C"),
              "n": tr("the number of elements n", "要素数 n")}
SIZE_CODES = {"N": "factor-batch", "C": "factor-classes", "n": "factor-numel"}


def sizes_of(inputs: dict | None, expected=None) -> dict[str, int]:
    """The sizes that an exact ratio may be: N and C from the first input with two or more axes (its first and
    last), n from the largest input."""
    pairs = (inputs or {}).items() if isinstance(inputs, dict) or inputs is None else inputs
    arrays = [np.asarray(v) for _, v in pairs if _numeric(v)]
    sizes: dict[str, int] = {}
    batch = next((a for a in arrays if a.ndim >= 2), None)
    if batch is not None:
        sizes["N"], sizes["C"] = int(batch.shape[0]), int(batch.shape[-1])
    if arrays:
        sizes["n"] = max(int(a.size) for a in arrays)
    return {k: v for k, v in sizes.items() if v > 1}


def _numeric(value) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False


def ratio_finding(c: float, sizes: dict[str, int], what: str = "") -> Finding:
    """The finding for ``got == c × expected``: the code the factor c names (when only one size or the
    factor 2 explains it), with the numbers."""
    label = f"{what} " if what else ""
    factor = _factor(c)
    base = tr(f"{label}got is exactly {factor} × the expected value", f"{label}結果が期待値のちょうど {factor} 倍です")
    if np.isclose(c, -1.0, rtol=MATCH_RTOL):
        return Finding("sign-flipped", base)
    meanings = [k for k, v in sizes.items() if c > 0 and _is_size(c, v)]
    if meanings:
        base = tr(base["en"] + " (" + "; ".join(f"{sizes[k]} = {SIZE_NAMES[k]['en']}" for k in meanings) + ")",
                  base["ja"] + " (" + "、".join(f"{sizes[k]} = {SIZE_NAMES[k]['ja']}" for k in meanings) + ")")
    if c > 0 and _is_size(c, 2):
        meanings.append("2")
    # One number with two meanings (N = C = 3, or N = 2 beside a missing ½) leaves the cause open.
    if len(meanings) != 1:
        return Finding(None, base)
    return Finding("factor-2" if meanings[0] == "2" else SIZE_CODES[meanings[0]], base)


def _is_size(magnitude: float, size: float) -> bool:
    return bool(np.isclose(magnitude, size, rtol=MATCH_RTOL) or np.isclose(magnitude, 1 / size, rtol=MATCH_RTOL))


def _factor(c: float) -> str:
    """A ratio as people write it: 3, −1, 1/3, 0.001."""
    if abs(c - round(c)) < 1e-6 * max(1.0, abs(c)) and round(c) != 0:
        return str(int(round(c)))
    inv = 1 / c
    if abs(inv - round(inv)) < 1e-6 * max(1.0, abs(inv)):
        return f"1/{int(round(inv))}" if inv > 0 else f"−1/{int(round(-inv))}"
    return f"{c:.4g}"


def structural(got, expected, *, sizes: dict[str, int] | None = None, what: str = "") -> Finding | None:
    """The structural finding for a wrong ``got`` (any numbers) against ``expected``, or None."""
    try:
        g, e = as_float_array(got), as_float_array(expected)
    except (TypeError, ValueError):
        return None
    label = f"{what} " if what else ""
    if g.shape != e.shape:
        if e.ndim == 2 and g.shape == e.T.shape and matches(g, e.T):
            return Finding("transposed", tr(f"{label}got has shape {g.shape}, the transpose of the expected "
                                            f"{e.shape}, and holds the expected values transposed",
                                            f"{label}結果の形状 {g.shape} は期待値 {e.shape} の転置で、値も転置です"))
        return None
    if e.ndim == 2 and e.shape[0] == e.shape[1] and not np.allclose(e, e.T) and \
            matches(g, e.T):
        return Finding("transposed", tr(f"{label}got is the transpose of the expected {e.shape} matrix",
                                        f"{label}結果は期待値 ({e.shape}) の転置です"))
    if g.size and not np.any(g) and np.any(e):
        return Finding("all-zeros", tr(f"{label}every one of the {g.size} values is 0",
                                       f"{label}{g.size} 個の値がすべて 0 です"))
    bad = ~np.isfinite(g) & np.isfinite(e)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if g.ndim else ()
        where = f" at {list(first)}" if first else ""
        return Finding("nan-or-inf", tr(
            f"{label}{int(bad.sum())} of {g.size} values are NaN/inf; the first{where} is {fmt(float(g[first]))} "
            f"where {fmt(float(e[first]))} is expected",
            f"{label}{g.size} 個中 {int(bad.sum())} 個が NaN/inf です。最初のもの{('(位置 ' + str(list(first)) + ')') if first else ''}"
            f"は {fmt(float(g[first]))} で、期待値は {fmt(float(e[first]))} です"))
    c = constant_ratio(g, e)
    if c is not None and _telling_ratio(c, g.size):
        return ratio_finding(c, sizes or {}, what)
    return None


# Below this many values, any two numbers have an "exact" ratio: only a factor people write (2, −1, 1/3) says
# something there, never one like 86.74 that a wrong step count or learning rate happens to give.
TELLING_SIZE = 3


def _telling_ratio(c: float, size: int) -> bool:
    """True when ``got == c × expected`` tells the learner something: never a factor that prints as 1 (values
    within rounding of each other), and for one or two values only a whole factor or its inverse."""
    factor = _factor(c)
    if factor in ("1", "−1/1") or np.isclose(c, 1.0, rtol=MATCH_RTOL):
        return False
    whole = factor.lstrip("−-").replace("1/", "", 1).isdigit()
    return whole or size >= TELLING_SIZE


def swapped(got: dict, expected: dict) -> Finding | None:
    """Two named outputs (``{"dx": …, "dy": …}``) that hold each other's expected values."""
    names = list(expected)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if matches(got.get(a), expected[b]) and matches(got.get(b), expected[a]) and \
                    not matches(expected[a], expected[b]):
                return Finding("outputs-swapped", tr(f"{a} holds the expected {b} and {b} the expected {a}",
                                                     f"{a} に期待値の {b} が、{b} に期待値の {a} が入っています"))
    return None


def shifted(got_steps: list, want_steps: list, start) -> Finding | None:
    """Values per step (``got_steps[k]`` after step k+1) that equal the expected ones one step earlier or
    later (``start`` is the value before the first step)."""
    if len(got_steps) < 2 or len(got_steps) != len(want_steps):
        return None
    earlier = [start] + list(want_steps[:-1])
    if all(matches(g, w) for g, w in zip(got_steps, earlier)):
        return Finding("off-by-one-step", tr(f"after each of {len(got_steps)} steps, got is the expected value of "
                                             f"the step before (step 1 gives the starting value)",
                                             f"{len(got_steps)} ステップのどの後でも、結果は 1 つ前のステップの期待値です"
                                             f" (1 ステップ目の後は初期値のまま)"))
    if all(matches(g, w) for g, w in zip(got_steps[:-1], want_steps[1:])):
        return Finding("off-by-one-step", tr("after each step, got is the expected value of the step after",
                                             "各ステップの後の結果が、次のステップの期待値になっています"))
    return None


def wrong_type(got, expected) -> Finding | None:
    """Right values in the wrong type: a bool or float for an int, an array for a list, a NumPy scalar kept
    where a number is asked, and the like."""
    if type(got) is type(expected) and not isinstance(expected, np.ndarray):
        return None
    if isinstance(expected, np.ndarray):
        try:
            arr = np.asarray(got)
        except (TypeError, ValueError):
            return None
        if arr.dtype == object or arr.shape != expected.shape or arr.dtype.kind == expected.dtype.kind or \
                not np.array_equal(arr.astype(np.float64), expected.astype(np.float64)):
            return None
        return Finding("wrong-type", tr(f"the values are right, but the dtype is {arr.dtype} where "
                                        f"{expected.dtype} is asked", f"値は正しいのですが dtype が {arr.dtype} です "
                                        f"({expected.dtype} が求められています)"))
    try:
        equal = bool(np.all(np.asarray(got) == np.asarray(expected))) and np.shape(got) == np.shape(expected)
    except (TypeError, ValueError):
        return None
    if not equal:
        return None
    return Finding("wrong-type", tr(f"the value is right, but it is a {type(got).__name__} where a "
                                    f"{type(expected).__name__} is asked",
                                    f"値は正しいのですが {type(got).__name__} です ({type(expected).__name__} が求められています)"))


def replayed(got, variants, *, what: str = "") -> Finding | None:
    """The first of ``variants`` (``{code: value}`` or ``[(code, value), …]``: what the computation gives with
    that mistake; NaN matches NaN) that ``got`` matches, as a finding: the replay confirms the mistake."""
    code = which_mistake(got, variants)
    if code is None:
        return None
    label = f"{what} " if what else ""
    return Finding(code, tr(f"{label}got matches the computation replayed with this mistake",
                            f"{label}結果はこの誤りを入れて計算し直した値と一致します"))


def gradients_finding(got: dict, expected: dict, failing: list[str], sizes: dict[str, int]) -> Finding | None:
    """The structural finding for a set of gradients (``{"dx": …, "dW": …}``) of which ``failing`` are wrong:
    two swapped, or every wrong one showing the same structure (each named with its numbers)."""
    pair = swapped(got, expected)
    if pair is not None:
        return pair
    findings = [structural(got.get(name), expected[name], sizes=sizes, what=name) for name in failing]
    codes = {f.code if f else None for f in findings}
    if not findings or len(codes) != 1 or None in codes:
        return None
    return Finding(findings[0].code, tr("; ".join(f.note["en"] for f in findings),
                                        "、".join(f.note["ja"] for f in findings)))
