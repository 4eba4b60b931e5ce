"""Exercise 8 hidden checks: many shapes and dtypes, random composite functions, other learning rates and
a classifier trained for several steps with Adam."""
import numpy as np
import torch

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.diagnose import swapped
from course.checks.cases import cases
from exercise8.helpers import (FORMULA_ATOL, FORMULA_RTOL, check_linear_regression, expect_detached,
                               expect_grad_of, expect_train_step, regression_cases, train_step_cases, train_step_problem)

_rng = np.random.default_rng(81)
OTHER_X = torch.as_tensor(_rng.uniform(-3, 3, size=20))
OTHER_Y = 1.7 * OTHER_X - 0.4 + torch.as_tensor(_rng.normal(scale=0.3, size=20))
CLASSIFIER = [("Linear", 4, 8), ("ReLU",), ("Linear", 8, 3)]
CLASSIFIER_PROBLEM = train_step_problem(CLASSIFIER, 88, (10, 4), classes=3)
ELEMENTWISE = ("Tanh", "Sigmoid", "Softplus", "SiLU", "ELU", "GELU", "Softsign", "Mish")


@check("quadratic_with_grad.shapes", 1, hidden=True, ja="quadratic_with_grad: いろいろな形と dtype、x はそのまま")
def test_quadratic_shapes(learner):
    """quadratic_with_grad works on 0-d to 3-d tensors, float32 and float64, leaving a grad-requiring x alone"""
    rng = np.random.default_rng(80)
    quadratic = learner.module("torch_basics").quadratic_with_grad
    for shape, dtype in (((), torch.float64), ((5,), torch.float32), ((2, 3), torch.float64),
                         ((2, 3, 4), torch.float32), ((1, 7), torch.float64)):
        x = torch.as_tensor(rng.normal(size=shape) * 3, dtype=dtype)
        call = f"quadratic_with_grad(x)  # x: {tuple(shape)}, {dtype}"
        y, dy = quadratic(x)
        want = {"y": 2 * x ** 2 + 2, "dy/dx": 4 * x}
        returned = {"y": y.detach(), "dy/dx": dy.detach()}
        for what in want:
            expect_close(returned[what], want[what], call=call, inputs={"x": x}, what=what, rtol=FORMULA_RTOL, atol=FORMULA_ATOL,
                         diagnose=lambda _: swapped(returned, want))
        expect_detached((y, dy), call)
    x_l = learner.new(torch.ones(3, requires_grad=True))
    quadratic(x_l)
    if x_l.grad is not None:
        raise CheckFailure(tr("the caller's x got a .grad: differentiate a copy of x", "呼び出し側の x に .grad が"
                              "付きました。x のコピーで微分します"), call="quadratic_with_grad(x)  # x requires grad",
                           got=f"x.grad = {x_l.grad}", diagnosis="input-mutated")


def _random_composite(rng, torch_mod, width):
    """Layers of a random chain (Linear layers between elementwise functions) built with ``torch_mod``."""
    layers = []
    for _ in range(int(rng.integers(2, 5))):
        layers.append(getattr(torch_mod.nn, ELEMENTWISE[int(rng.integers(len(ELEMENTWISE)))])())
        layers.append(torch_mod.nn.Linear(width, width))
    return torch_mod.nn.Sequential(*layers)


@check("grad_of.random_composites", 2, hidden=True, ja="grad_of: ランダムに作った合成関数",
       hint=tr("differentiate by autograd; do not assume a particular f", "特定の f を仮定せず自動微分を使います"))
def test_grad_of_random(learner, reference):
    """grad_of matches autograd on randomly built chains of Linear layers and elementwise functions"""
    torch_l = learner.module("torch")
    for seed in range(4):
        rng = np.random.default_rng(800 + seed)
        torch.manual_seed(seed)
        width = int(rng.integers(2, 6))
        here = _random_composite(np.random.default_rng(800 + seed), torch, width).double()
        there = _random_composite(np.random.default_rng(800 + seed), torch_l, width)
        there.double()
        there.load_state_dict(here.state_dict())
        x = torch.as_tensor(rng.normal(size=(int(rng.integers(1, 5)), width)), dtype=torch.float64).requires_grad_(True)
        x.grad = torch.full_like(x, -2.0)
        want = reference.module("torch_basics").grad_of(here, x.detach().clone())
        expect_grad_of(learner, there, want, x, f"grad_of(f, x)  # f = {here}".replace("\n", " "))


@check("fit_linear_regression.other_lr", 1, hidden=True, ja="fit_linear_regression: 別の学習率とエポック数",
       hint=tr("use the lr and epochs arguments, not fixed numbers", "固定値ではなく引数の lr と epochs を使います"))
@cases(**regression_cases(OTHER_X, OTHER_Y, lr=0.01, epochs=60))
def test_fit_linear_regression_other(learner, expected):
    """fit_linear_regression follows the reference with lr=0.01 and 60 epochs on other data"""
    check_linear_regression(learner, expected, OTHER_X, OTHER_Y, lr=0.01, epochs=60)


@check("train_step.classifier_adam", 1, hidden=True, ja="train_step: Adam で 3 ステップ (分類器)")
@cases(**train_step_cases(CLASSIFIER, CLASSIFIER_PROBLEM, "Adam", {"lr": 0.01}, "CrossEntropyLoss", steps=3))
def test_train_step_classifier(learner, expected):
    """train_step trains Linear→ReLU→Linear with CrossEntropyLoss and Adam for three steps"""
    expect_train_step(learner, expected, CLASSIFIER, CLASSIFIER_PROBLEM, "Adam", {"lr": 0.01}, "CrossEntropyLoss",
                      steps=3)
