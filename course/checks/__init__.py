"""What grader authors use: the ``@check`` marker, structured failures, and the ``expect_*`` comparisons.

A grader is a plain pytest test function that takes the ``learner`` fixture (the learner's modules, run in
the sandbox) and the ``reference`` fixture (the kit's solution), marked with ``@check``::

    @check("softmax.batch_rows", 1, ja="バッチの各行で和が 1", hint=tr("use axis=-1", "axis=-1 を使う"))
    def test_softmax_rows(learner, reference):
        \"\"\"softmax normalises each row of a batch\"\"\"
        x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
        expect_close(learner.module("activations").softmax(x),
                     reference.module("activations").softmax(x), call="softmax(x)", inputs={"x": x},
                     diagnose=lambda got: "softmax-sum-over-batch" if ... else None)

The docstring is the check's English title; ``ja`` its Japanese title.
"""
from __future__ import annotations

import numpy as np

from course.checks.compare import ATOL, RTOL, Comparison, compare, constant_ratio, describe, fmt, fmt_pair
from course.checks.diagnose import Finding, sizes_of, structural, wrong_type
from course.checks.marks import marker
from course.i18n import LABELS, is_text, pick, tr, value_name

__all__ = ["check", "gpu", "Finding", "CheckFailure", "expect_close", "expect_equal", "expect_array", "compare",
           "constant_ratio", "describe", "fmt", "tr", "RTOL", "ATOL", "Comparison"]


def check(id: str, points: float = 1.0, *, hidden: bool = False, ja: str = "", hint=None,
          timeout: float | None = None):
    """Mark a test function as a graded check worth ``points``.

    ``hidden`` checks run only when grading (``course grade``) and live in the ``hidden/`` folder of the
    exercise's graders; ``timeout`` raises the per-check limit. ``hint`` is one text or a ladder, a list of
    rungs revealed one at a time (``course hint``): a nudge that never gives the answer, then the idea or the
    formula, then nearly the code. A failed check shows the first rung.
    """
    ladder = hint_ladder(hint)
    return marker("check", id=id, points=float(points), hidden=hidden, ja=ja, hint=ladder[0] if ladder else None,
                  hints=ladder, timeout=timeout)


def gpu(function):
    """Mark a check as needing CUDA: it runs only with ``--device cuda`` and is skipped, with the reason,
    elsewhere."""
    return marker("gpu")(function)


def hint_ladder(hint) -> tuple:
    """The rungs of a ``hint=`` argument: none, one text, or a list of texts (each ``tr(en, ja)`` or a str)."""
    if hint is None:
        return ()
    return tuple(hint) if isinstance(hint, (list, tuple)) else (hint,)


class CheckFailure(AssertionError):
    """A check's verdict "failed", with what the learner needs: the call, expected vs got, a diagnosis."""

    def __init__(self, summary, *, call="", inputs=None, expected=None, got=None,
                 error="", diagnosis: str | None = None, hint=None, details: dict | None = None,
                 atol: float = 0.0):
        """``summary``, ``call``, ``error`` and an ``expected`` or ``got`` that is a text are a string or a
        ``tr`` pair; ``inputs`` is a dict, or a list of ``(name, value)`` pairs where a name is a ``tr`` pair.
        Numbers are written with the digits that show their difference, values nearer zero than ``atol / 2``
        as 0."""
        super().__init__(pick(summary, "en"))
        self.summary, self.call, self.inputs = summary, call, inputs or {}
        self.expected, self.got, self.error = expected, got, error
        self.hint, self.details, self.atol = hint, details or {}, atol
        # A diagnosis is a code or a Finding (a code with the numbers that show it); its catalogued hint
        # replaces the check's generic one, which shows only when nothing more specific is known.
        self.finding = diagnosis if isinstance(diagnosis, Finding) else None
        self.diagnosis = diagnosis.code if isinstance(diagnosis, Finding) else diagnosis
        if self.hint is None and self.diagnosis:
            from course.mistakes import hint_for
            self.hint = hint_for(self.diagnosis)

    def render(self, lang: str) -> str:
        """The failure as text lines in ``lang``."""
        lines = [pick(self.summary, lang)]

        def row(label, value):
            lines.append(f"{pick(LABELS[label], lang)}: {value}")

        if self.call:
            row("call", pick(self.call, lang))
        for name, value in self.inputs.items() if isinstance(self.inputs, dict) else self.inputs:
            lines.append(f"  {pick(name, lang)} = {fmt(value)}")
        if any(isinstance(v, str) or is_text(v) for v in (self.expected, self.got)):
            expected, got = (pick(v, lang) if isinstance(v, str) or is_text(v) else fmt(v)
                             for v in (self.expected, self.got))
        else:
            expected, got = fmt_pair(self.expected, self.got, atol=self.atol)
        if self.expected is not None:
            row("expected", expected)
        if self.got is not None:
            row("got", got)
        if self.error:
            row("error", pick(self.error, lang))
        if self.finding is not None:
            lines.append(f"{pick(tr('finding', '所見'), lang)}: {pick(self.finding.note, lang)}")
        return "\n".join(lines)


def _fail_none(got, expected, call, inputs) -> None:
    """Fail at once when the function returned None where a value is expected: it has no return (or prints
    its result instead), which is what the learner needs to hear, not a comparison with None."""
    if got is None and expected is not None:
        raise CheckFailure(tr("returned None: the function gives back no value",
                              "None が返りました: 関数が値を返していません"), call=call, inputs=inputs, expected=expected, got=tr("None", "None"),
                           hint=tr("end the function with `return <value>`; print only shows a value, it does not "
                                   "return it", "関数の最後で `return 値` と書きます。print は値を表示するだけで、返しません"))


def _fail_type(got, expected, call, inputs, diagnosis=None):
    raise CheckFailure(tr(f"returned {describe(got)}, expected {describe(expected)}",
                          f"返り値が {describe(got, 'ja')} です。期待値は {describe(expected, 'ja')} です"),
                       call=call, inputs=inputs, diagnosis=diagnosis)


def expect_array(got, expected, *, call: str = "", inputs: dict | None = None, dtype_kind: str | None = None,
                 diagnose=None) -> np.ndarray:
    """Check that ``got`` is array-like with the expected shape (and dtype kind: ``"i"``, ``"f"``)."""
    _fail_none(got, expected, call, inputs)
    try:
        arr = np.asarray(got)
    except Exception:
        _fail_type(got, expected, call, inputs)
    exp = np.asarray(expected)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        _fail_type(got, expected, call, inputs, diagnose(got) if diagnose else None)
    if arr.shape != exp.shape:
        raise CheckFailure(tr(f"wrong shape: expected {exp.shape}, got {arr.shape}",
                              f"形状が違います: 期待値 {exp.shape}, 実際 {arr.shape}"),
                           call=call, inputs=inputs, expected=expected, got=got,
                           diagnosis=(diagnose(got) if diagnose else None) or structural(arr, exp))
    if dtype_kind and arr.dtype.kind not in dtype_kind:
        raise CheckFailure(tr(f"wrong dtype: expected {'an integer' if 'i' in dtype_kind else 'a float'} "
                              f"array, got dtype {arr.dtype}",
                              f"dtype が違います: {'整数' if 'i' in dtype_kind else '浮動小数点'}の配列を"
                              f"返してください (実際は {arr.dtype})"),
                           call=call, inputs=inputs, expected=expected, got=got,
                           diagnosis=wrong_type(arr, exp) or (diagnose(got) if diagnose else None))
    return arr


def expect_close(got, expected, *, call: str = "", inputs: dict | None = None, rtol: float = RTOL,
                 atol: float = ATOL, diagnose=None, what: str = "", dtype_kind: str | None = None,
                 sizes: dict | None = None, structure: bool = True) -> None:
    """Fail unless ``got`` is close to ``expected`` (same shape, ``allclose(rtol, atol)``).

    ``diagnose(got)`` returns a confirmed mistake (a code or a :class:`Finding`) or None; when it finds none,
    the structural shape of the error (an exact ratio, a transpose, zeros, NaN) is named. ``sizes``
    (``{"N": batch, "C": classes, "n": elements}``) says what an exact ratio may stand for; by default they
    are read from the shapes of ``inputs``. ``structure=False`` for values at the end of a trajectory (weights
    after training), where an exact ratio or zeros are a coincidence of the path, not its cause.
    """
    arr = expect_array(got, expected, call=call, inputs=inputs, dtype_kind=dtype_kind, diagnose=diagnose)
    cmp = compare(arr, expected, rtol=rtol, atol=atol)
    if cmp.close:
        return
    label = value_name(what) if what else tr("", "")
    raise CheckFailure(tr(f"{label['en']}: wrong values" if what else "wrong values",
                          f"{label['ja']}: 値が違います" if what else "値が違います"), call=call, inputs=inputs,
                       expected=expected, got=arr, error=cmp.summary(), atol=atol,
                       diagnosis=(diagnose(arr) if diagnose else None) or (structure and structural(
                           arr, expected, sizes=sizes_of(inputs) if sizes is None else sizes)) or None,
                       details={"max_abs_error": cmp.max_abs, "relative_error": cmp.rel,
                                "worst_index": cmp.worst_index, "expected_at": cmp.expected_at,
                                "got_at": cmp.got_at})


def expect_equal(got, expected, *, call: str = "", inputs: dict | None = None, diagnose=None) -> None:
    """Fail unless ``got == expected`` exactly (ints, truth tables, lists); arrays compare elementwise."""
    _fail_none(got, expected, call, inputs)
    if isinstance(expected, np.ndarray):
        arr = expect_array(got, expected, call=call, inputs=inputs, diagnose=diagnose)
        equal = bool(np.array_equal(arr, expected))
    else:
        equal = type(got) is type(expected) and got == expected or (
            isinstance(expected, (int, float)) and not isinstance(got, (bool, np.bool_, str, list, tuple, dict))
            and _num_equal(got, expected))
    if not equal:
        # Right values of the wrong type (True for 1, an array for a list) are that, whatever else fits.
        structure = None if isinstance(expected, np.ndarray) else wrong_type(got, expected)
        raise CheckFailure(tr("wrong result", "結果が違います"), call=call, inputs=inputs, expected=expected,
                           got=got, diagnosis=structure or (diagnose(got) if diagnose else None) or (
                               structural(got, expected, sizes=sizes_of(inputs)) if isinstance(expected, np.ndarray)
                               else None))


def _num_equal(got, expected) -> bool:
    try:
        return bool(np.ndim(got) == 0 and float(got) == float(expected))
    except (TypeError, ValueError):
        return False
