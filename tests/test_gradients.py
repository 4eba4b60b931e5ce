"""Unit tests of course/checks/gradients.py: central differences, the per-parameter comparison and table."""
import numpy as np
import pytest

from course.checks import CheckFailure
from course.checks.gradients import (central_difference, compare_gradient, expect_gradients, layer_gradient,
                                     table, verdict)


def test_central_difference_matches_analytic_gradient():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    got = central_difference(lambda v: np.sum(np.sin(v) * v ** 2), x)
    assert np.allclose(got, np.cos(x) * x ** 2 + 2 * x * np.sin(x), rtol=1e-9, atol=1e-10)


def test_central_difference_is_float64_for_int_input_and_leaves_x_alone():
    x = np.array([3, 4])
    got = central_difference(lambda v: np.sum(v ** 2), x)
    assert got.dtype == np.float64 and np.allclose(got, [6.0, 8.0], rtol=1e-9)
    assert x.tolist() == [3, 4]


def test_layer_gradient_sums_against_dout():
    W = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]])
    x, dout = np.array([[0.2, -0.4]]), np.array([[1.0, -2.0, 0.5]])
    assert np.allclose(layer_gradient(lambda v: v @ W, x, dout), dout @ W.T, rtol=1e-9)


def test_compare_gradient_reports_ratio_and_worst_index():
    expected = np.array([[1.0, -2.0], [0.5, 4.0]])
    row = compare_gradient("dW", 3 * expected, expected)
    assert not row.ok and row.problem == "values"
    assert row.ratio == pytest.approx(3.0)
    assert row.worst_index == (1, 1) and row.rel == pytest.approx(2.0)


def test_compare_gradient_near_zero_entries_use_a_scaled_atol():
    expected = np.array([1.0, 1e-14])
    assert compare_gradient("g", np.array([1.0, 3e-14]), expected).ok


def test_compare_gradient_spots_a_transpose_by_shape_and_by_values():
    expected = np.arange(6.0).reshape(3, 2)
    assert compare_gradient("dW", expected.T, expected).transposed
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    row = compare_gradient("dW", square.T, square)
    assert row.transposed and not row.ok


def test_compare_gradient_type_problem():
    row = compare_gradient("db", None, np.zeros(2))
    assert row.problem == "type" and not row.ok


def test_expect_gradients_table_and_verdict_in_the_failure():
    expected = {"dW": np.array([[1.0, 2.0], [3.0, 4.0]]), "db": np.array([3.0, -6.0])}
    got = {"dW": expected["dW"].copy(), "db": expected["db"] / 3}
    with pytest.raises(CheckFailure) as info:
        expect_gradients(got, expected, call="layer.backward(dout)", diagnose=lambda rows: "db-averaged"
                         if rows["db"].ratio and abs(rows["db"].ratio - 1 / 3) < 1e-9 else None)
    failure = info.value
    assert failure.diagnosis == "db-averaged"
    text = failure.render("en")
    assert "db is exactly 1/3 × the right value" in text and "right: dW" in text
    assert "[1]" in text                       # worst index of db: the larger entry
    rows = {r["name"]: r for r in failure.details["gradients"]}
    assert rows["db"]["worst_index"] == [1] and rows["db"]["got_at"] == pytest.approx(-2.0)
    assert rows["dW"]["ok"] and not rows["db"]["ok"]
    assert "判定" in failure.render("ja")


def test_expect_gradients_passes_and_returns_rows():
    g = {"dx": np.array([1.0, 2.0])}
    rows = expect_gradients(g, {"dx": g["dx"] * (1 + 1e-9)}, call="f")
    assert rows["dx"].ok


def test_table_aligns_columns_and_shows_numerical_only_when_known():
    expected = np.array([1.0, 2.0])
    with_num = table({"g": compare_gradient("g", expected * 2, expected, numerical=expected)}, "en")
    without = table({"g": compare_gradient("g", expected * 2, expected)}, "en")
    assert "numerical" in with_num and "numerical" not in without
    assert verdict({"g": compare_gradient("g", expected * 2, expected)}, "en") == "g is exactly 2 × the right value"
