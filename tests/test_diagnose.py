"""Structural diagnoses name what the numbers show, only when nothing else can explain them; every catalogued
code carries its own hint, which is never the answer's code."""
import re

import numpy as np
import pytest

from course import paths, registry
from course.checks import CheckFailure, expect_close, expect_equal
from course.checks.diagnose import Finding, replayed, shifted, sizes_of, structural, swapped, wrong_type
from course.checks.gradients import expect_gradients
from course.mistakes import catalogue, engine, hint_for

EXPECTED = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
BATCH = {"x": np.zeros((3, 4))}          # N = 3, C = 4, n = 12


def code(finding):
    return finding.code if finding else None


@pytest.mark.parametrize("factor, sizes, want", [
    (2.0, {}, "factor-2"), (0.5, {}, "factor-2"), (-1.0, {}, "sign-flipped"),
    (1 / 3, sizes_of(BATCH), "factor-batch"), (4.0, sizes_of(BATCH), "factor-classes"),
    (1 / 12, sizes_of(BATCH), "factor-numel"),
    # One number, two meanings: reported, never named.
    (1 / 3, {"N": 3, "C": 3}, None), (0.5, {"N": 2}, None), (7.0, {}, None)])
def test_an_exact_ratio_is_named_only_when_one_size_explains_it(factor, sizes, want):
    found = structural(factor * EXPECTED, EXPECTED, sizes=sizes)
    assert code(found) == want
    assert found is not None and "exactly" in found.note["en"]


def test_the_note_says_which_size_the_ratio_is():
    found = structural(EXPECTED / 4, EXPECTED, sizes=sizes_of(BATCH))
    assert found.note["en"] == "got is exactly 1/4 × the expected value (4 = the number of classes (columns) C)"
    assert "4 = クラス数" in found.note["ja"]


def test_transposes_zeros_and_nan():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert code(structural(square.T, square)) == "transposed"
    assert code(structural(EXPECTED.T, EXPECTED)) == "transposed"              # by shape
    assert code(structural(np.zeros_like(EXPECTED), EXPECTED)) == "all-zeros"
    nan = EXPECTED.copy()
    nan[1, 2] = np.nan
    found = structural(nan, EXPECTED)
    assert found.code == "nan-or-inf" and "[1, 2]" in found.note["en"] and "-3.0" in found.note["en"]
    # A near miss is no structure at all.
    assert structural(EXPECTED + 1e-3, EXPECTED) is None
    assert structural(EXPECTED[:1], EXPECTED) is None


def test_swapped_outputs_and_a_step_behind():
    dx, dy = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    assert code(swapped({"dx": dy, "dy": dx}, {"dx": dx, "dy": dy})) == "outputs-swapped"
    assert swapped({"dx": dx, "dy": dx}, {"dx": dx, "dy": dy}) is None
    start, steps = {"w": np.zeros(2)}, [{"w": np.full(2, k)} for k in (1.0, 2.0, 3.0)]
    assert code(shifted([start] + steps[:-1], steps, start)) == "off-by-one-step"
    assert code(shifted(steps[1:] + [{"w": np.full(2, 4.0)}], steps, start)) == "off-by-one-step"
    assert shifted(steps, steps, start) is None


def test_wrong_type_needs_the_right_values():
    assert code(wrong_type(True, 1)) == "wrong-type"
    assert code(wrong_type(np.array([10, 20]), [10, 20])) == "wrong-type"
    assert code(wrong_type(np.array([1.0, 0.0]), np.array([1, 0]))) == "wrong-type"
    assert wrong_type(False, 1) is None and wrong_type(np.array([1.0, 1.0]), np.array([1, 0])) is None
    assert wrong_type(1, 1) is None


def test_replays_match_nan_where_the_mistake_overflows():
    with np.errstate(all="ignore"):
        naive = np.exp(np.array([1010.0, 1000.0])) / np.sum(np.exp(np.array([1010.0, 1000.0])))
    assert code(replayed(np.array([np.nan, np.nan]), {"softmax-no-max-shift": naive})) == "softmax-no-max-shift"
    assert replayed(np.array([np.nan, 0.0]), {"softmax-no-max-shift": naive}) is None


def test_comparisons_name_the_structure_and_its_hint():
    with pytest.raises(CheckFailure) as failed:
        expect_close(EXPECTED / 3, EXPECTED, inputs={"x": np.zeros((3, 4))})
    assert failed.value.diagnosis == "factor-batch"
    assert failed.value.hint == hint_for("factor-batch")
    assert "1/3" in failed.value.render("en") and "所見" in failed.value.render("ja")
    # A confirmed named mistake wins over the structure, and brings its own hint.
    with pytest.raises(CheckFailure) as failed:
        expect_close(EXPECTED / 3, EXPECTED, inputs={"x": np.zeros((3, 4))}, diagnose=lambda g: "db-averaged")
    assert failed.value.diagnosis == "db-averaged" and failed.value.hint == hint_for("db-averaged")
    # Values at the end of a trajectory: no structure.
    with pytest.raises(CheckFailure) as failed:
        expect_close(2 * EXPECTED, EXPECTED, structure=False)
    assert failed.value.diagnosis is None
    # Right values of the wrong type are that, whatever the check's own diagnose says.
    with pytest.raises(CheckFailure) as failed:
        expect_equal(True, 1, diagnose=lambda g: "xor-composition")
    assert failed.value.diagnosis == "wrong-type"


def test_gradients_name_swapped_rows_and_one_shared_ratio():
    dx, dy = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    with pytest.raises(CheckFailure) as failed:
        expect_gradients({"dx": dy, "dy": dx}, {"dx": dx, "dy": dy}, call="c")
    assert failed.value.diagnosis == "outputs-swapped"
    with pytest.raises(CheckFailure) as failed:
        expect_gradients({"dx": -dx, "dy": dy}, {"dx": dx, "dy": dy}, call="c")
    assert failed.value.diagnosis == "sign-flipped" and "dx got is exactly -1" in failed.value.finding.note["en"]
    with pytest.raises(CheckFailure) as failed:          # two wrong rows, two different structures: no name
        expect_gradients({"dx": -dx, "dy": 2 * dy}, {"dx": dx, "dy": dy}, call="c")
    assert failed.value.diagnosis is None


def test_every_catalogued_mistake_has_a_bilingual_hint():
    engine_codes = {m.code for m in engine.MISTAKES} - {"input-mutated"}
    for mistake in catalogue().values():
        if mistake.code in engine_codes:
            continue
        assert len(mistake.hint) == 2 and all(mistake.hint), mistake.code
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", mistake.hint[1]), mistake.code


def _solution_lines():
    """Every statement of the reference solutions that is long enough to be an answer (not `return x`)."""
    lines = set()
    for ex in registry.exercises():
        for path in paths.solutions_dir(ex.id).glob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                text = line.strip()
                if len(text) >= 16 and not text.startswith(("#", '"""', "def ", "class ", "import ", "from ")):
                    lines.add(" ".join(text.split()))
    return lines


def test_no_diagnosis_hint_is_the_answers_code():
    """A hint is the first rung (the idea or the formula): no line of a solution appears in any of them."""
    answers = _solution_lines()
    assert len(answers) > 100
    for mistake in catalogue().values():
        for text in mistake.hint:
            flat = " ".join(text.split())
            assert not [a for a in answers if a in flat], (mistake.code, text)
        # Nor code-like fragments of NumPy / torch calls.
        assert not re.search(r"\bnp\.\w+\(|\btorch\.\w+\(|\.sum\(|\.item\(\)|\breturn [\w.]+[(\[]", "".join(mistake.hint[:1])), mistake.code


def test_findings_are_catalogued():
    from course.checks import diagnose
    codes = set(re.findall(r'Finding\("([a-z0-9-]+)"', open(diagnose.__file__, encoding="utf-8").read()))
    codes |= set(diagnose.SIZE_CODES.values())
    assert codes and codes <= set(catalogue())
    assert Finding("x", {"en": "", "ja": ""}).code == "x"


def test_a_ratio_is_a_finding_only_where_it_tells_something():
    """One or two numbers always have an "exact" ratio: a learner must not be told "exactly 86.74 ×" (0.8^-20
    from a wrong learning rate) or "exactly 1 ×" (values within rounding)."""
    assert structural(np.array([-3.0, 4.0]) * 86.74, np.array([-3.0, 4.0])) is None
    assert structural(1.2721581, 1.2721580) is None
    assert structural(np.array([-3.0, 4.0]) * 2, np.array([-3.0, 4.0])).code == "factor-2"
    assert structural(np.arange(1.0, 7.0) * 3.162, np.arange(1.0, 7.0)) is not None
