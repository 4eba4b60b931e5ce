"""Expected values are data: public checks get them only through their cases, the cases are plain data that
survive the trip through the bundle's files unchanged, and a replay of a planted mistake is that mistake."""
import ast
import importlib.util

import numpy as np
import pytest

from course import paths, registry
from course.checks.cases import matches, which_mistake
from course.grading import expected
from course.grading.reference import ReferenceSession
from course.release.expected import public_cases

HAVE_TORCH = importlib.util.find_spec("torch") is not None
EXERCISES = [ex.id for ex in registry.exercises() if HAVE_TORCH or not ex.torch]


def _public_check_parameters(exercise):
    """(function name, its parameters) of every public check of ``exercise``, read from the source."""
    for path in sorted(paths.graders_dir(exercise).glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                yield node.name, [a.arg for a in node.args.args]


@pytest.mark.parametrize("exercise", [ex.id for ex in registry.exercises()])
def test_public_checks_never_ask_the_reference_directly(exercise):
    """The learner bundle has no reference: a public check reaches it only through declared cases."""
    asking = [name for name, params in _public_check_parameters(exercise) if "reference" in params]
    assert asking == []


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_public_case_is_plain_data_that_round_trips(exercise, tmp_path):
    live = expected.LiveSource(ReferenceSession(paths.solutions_dir(exercise)))
    values = {check: {case: live.value(check, case, compute) for case, compute in declared.items()}
              for check, declared in public_cases(registry.get(exercise)).items()}
    count = expected.write(tmp_path, exercise, values)
    assert count == sum(len(v) for v in values.values())
    shipped = expected.ShippedSource(tmp_path)
    for check, cases in values.items():
        for case, value in cases.items():
            back = shipped.value(check, case, None)
            assert type(back) is type(value) and matches(back, value, rtol=0, atol=0), (check, case)


def test_encode_refuses_what_is_not_data():
    with pytest.raises(TypeError, match="not plain data"):
        expected.encode(object(), {}, "c/case")
    with pytest.raises(TypeError, match="object array"):
        expected.encode(np.array([object()]), {}, "c/case")


def test_a_case_missing_from_the_shipped_data_is_undecidable(tmp_path):
    expected.write(tmp_path, "exercise0", {"one_hot.basic": {"three": np.eye(3, dtype=np.int64)}})
    shipped = expected.ShippedSource(tmp_path)
    assert shipped.value("one_hot.basic", "three", None).dtype == np.int64
    with pytest.raises(expected.Undecidable) as info:
        shipped.value("one_hot.basic", "four", None)
    assert info.value.why["ja"] and "four" in info.value.why["en"]


def test_the_reference_is_undecidable_where_the_solutions_are_absent(tmp_path):
    with pytest.raises(expected.Undecidable):
        ReferenceSession(tmp_path / "exercise0").module("basics")


def test_with_mistake_replays_the_planted_mistake():
    """The reference with gd-ignores-lr planted ignores lr; the reference itself does not."""
    ref = ReferenceSession(paths.solutions_dir("exercise1"))
    f = lambda x: float(np.sum(x ** 2))   # noqa: E731 (a function value, as graders pass one)
    right = ref.module("numerical_diff").gradient_descent(f, np.array([1.0, 2.0]), lr=0.1, step_num=5)
    ignored = ref.with_mistake("gd-ignores-lr").module("numerical_diff").gradient_descent(
        f, np.array([1.0, 2.0]), lr=0.1, step_num=5)
    default = ref.module("numerical_diff").gradient_descent(f, np.array([1.0, 2.0]), step_num=5)
    assert not matches(ignored, right) and matches(ignored, default)
    assert which_mistake(ignored, {"gd-ignores-lr": default}) == "gd-ignores-lr"
    assert which_mistake(right, [("gd-ignores-lr", default)]) is None
    with pytest.raises(KeyError):
        ref.with_mistake("no-such-mistake")
