"""The worked examples in the exercise READMEs are the reference solutions' own numbers, in both languages."""
import importlib.util
import sys

import numpy as np
import pytest

from course import paths

KIT = paths.kit_root()


def solution(exercise: str, module: str):
    """Import one reference module by path (the exercises' modules have plain names that would collide)."""
    spec = importlib.util.spec_from_file_location(f"readme_{exercise}_{module}",
                                                  KIT / "solutions" / exercise / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(KIT / "solutions" / exercise))     # for a sibling import such as `from common import`
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(KIT / "solutions" / exercise))
    return mod


def readme(exercise: str) -> tuple[str, str]:
    """(Japanese part, English part) of an exercise's README."""
    text = (KIT / "exercises" / exercise / "README.md").read_text(encoding="utf-8")
    at = text.index("\n# Exercise")
    return text[:at], text[at:]


def both(exercise: str, *snippets: str) -> None:
    for part in readme(exercise):
        missing = [s for s in snippets if s not in part]
        assert not missing, f"{exercise} README lacks {missing}"


def test_exercise1_numbers():
    nd = solution("exercise1", "numerical_diff")
    f = lambda x: 0.01 * x ** 2 + 0.1 * x          # noqa: E731 (the book's example)
    square = lambda x: np.sum(x ** 2)               # noqa: E731
    gd = nd.gradient_descent(square, np.array([-3.0, 4.0]), lr=0.1, step_num=20)
    both("exercise1", repr(nd.numerical_diff(f, 5.0)), repr(nd.numerical_diff(f, 10.0)),
         "[" + ", ".join(f"{v:.8f}" for v in gd) + "]", "0.8^20 = 0.011529")


def test_exercise2_fit_on_and_and_one_row():
    p = solution("exercise2", "perceptron").Perceptron(2, lr=0.5)
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float)
    assert p.fit(X, np.array([0, 0, 0, 1]), epochs=10) is p
    both("exercise2", f"w = ({p.w[0]}, {p.w[1]})", f"b = {p.b}".replace("-", "−"),
         f"`{p.predict(np.array([1.0, 1.0]))}`")


def test_exercise3_softmax_and_sigmoid_grad():
    act = solution("exercise3", "activations")
    both("exercise3", np.array2string(act.softmax(np.array([0.3, 2.9, 4.0])), separator=", "),
         np.array2string(act.softmax(np.array([1010.0, 1000.0, 990.0])), separator=", "),
         f"`{float(act.sigmoid_grad(np.array(0.0))):g}`")


def test_exercise4_book_losses():
    losses = solution("exercise4", "losses")
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    t = np.eye(10)[2]
    both("exercise4", f"`{losses.sum_squared_error(y, t):.4f}`", f"`{losses.cross_entropy_error(y, t):.4f}`")


def test_exercise6_table():
    opt = solution("exercise6", "optimizers")
    rows = []
    for name in ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"):
        o, params = getattr(opt, name)(), {"W": np.array([1.0])}
        got = []
        for _ in range(2):
            o.update(params, {"W": np.array([0.5])})
            got.append(f"{params['W'][0]:.6g}")
        rows.append(f"| `{name}` | {got[0]} | {got[1]} |")
    both("exercise6", *rows)


def test_exercise7_a_times_a():
    Value = solution("exercise7", "autodiff").Value
    a = Value(2.0)
    b = a * a
    b.backward()
    assert (b.data, a.grad) == (4.0, 4.0)
    both("exercise7", "a.grad             # 4.0", "_children", "_op")


def test_exercise8_quadratic():
    torch = pytest.importorskip("torch")
    y, dy = solution("exercise8", "torch_basics").quadratic_with_grad(torch.tensor([-1.0, 0.0, 1.0, 2.0]))
    both("exercise8", f"`{y.tolist()}`".replace(".0", "."), f"`{dy.tolist()}`".replace(".0", "."))
