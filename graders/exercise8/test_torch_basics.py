"""Exercise 8 public checks: autograd on y = 2x² + 2, gradients of a composite, linear regression by hand,
one step of a training loop."""
import torch

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.cases import cases
from course.checks.diagnose import swapped
from exercise8.helpers import (FORMULA_RTOL, check_linear_regression, expect_detached, expect_grad_of,
                               expect_train_step, regression_cases, train_step_cases, train_step_problem)

# ch03 of 最短コースでわかるPyTorch: heights and weights, centred as the book does.
BOOK_XY = torch.tensor([[166, 58.7], [176, 75.7], [171, 62.1], [173, 70.4], [169, 60.1]], dtype=torch.float64)
BOOK_X, BOOK_Y = BOOK_XY[:, 0] - BOOK_XY[:, 0].mean(), BOOK_XY[:, 1] - BOOK_XY[:, 1].mean()
GRAD_OF_X = torch.linspace(-3, 3, 7, dtype=torch.float64).reshape(7, 1).repeat(1, 2)
LINEAR = [("Linear", 3, 1)]
LINEAR_PROBLEM = train_step_problem(LINEAR, 8, (6, 3))


def softplus_tanh(torch_module):
    """tanh(softplus(x)) as a module of ``torch_module`` (torch here, or the learner's)."""
    return torch_module.nn.Sequential(torch_module.nn.Softplus(), torch_module.nn.Tanh())


@check("quadratic_with_grad.book", 1, ja="quadratic_with_grad: 本の例 (x = -2 … 2)",
       hint=[tr("Autograd computes dy/dx for you, if x asks for it; the caller's x must stay untouched.",
                "x が求めれば autograd が dy/dx を計算します。呼び出し側の x は変えてはいけません。"),
             tr("Work on a detached copy that requires grad; y = 2x² + 2 has dy/dx = 4x; backward needs a scalar, "
                "so sum y first; return detached tensors.",
                "勾配を求める、切り離したコピーで計算します。y = 2x² + 2 の dy/dx は 4x です。backward にはスカラーが要るので y を和にしてから。返すテンソルは切り離します。"),
             tr("x = x.detach().clone().requires_grad_(True); y = 2 * x**2 + 2; y.sum().backward()",
                "x = x.detach().clone().requires_grad_(True); y = 2 * x**2 + 2; y.sum().backward()")])
def test_quadratic_book(learner):
    """quadratic_with_grad gives y = 2x² + 2 and dy/dx = 4x on the book's grid, detached"""
    x = torch.arange(-2, 2.1, 0.25)
    call = "quadratic_with_grad(torch.arange(-2, 2.1, 0.25))"
    got = learner.module("torch_basics").quadratic_with_grad(x)
    if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(t, torch.Tensor) for t in got)):
        raise CheckFailure(tr("must return a tuple of two tensors (y, grad)", "2 つのテンソルのタプル (y, grad) を返します"),
                           call=call, got=repr(got)[:200])
    want = {"y": 2 * x ** 2 + 2, "dy/dx": 4 * x}
    returned = {"y": got[0].detach(), "dy/dx": got[1].detach()}
    for what in want:
        expect_close(returned[what], want[what], call=call, inputs={"x": x}, what=what, rtol=FORMULA_RTOL,
                     diagnose=lambda _: swapped(returned, want))
    expect_detached(got, call)


@check("grad_of.composite", 1, ja="grad_of: 合成関数の勾配、呼び出し側の x はそのまま",
       hint=[tr("Leave the caller's tensor and its .grad exactly as they were.",
                "呼び出し側のテンソルとその .grad は元のままにします。"),
             tr("Differentiate f on a detached copy that requires grad, with torch.autograd.grad (it returns the "
                "gradient without writing any .grad).",
                "勾配を求める切り離したコピーで f を微分します。torch.autograd.grad は .grad に書かずに勾配を返します。"),
             tr("work on x.detach().clone().requires_grad_(True), then torch.autograd.grad(f(x).sum(), x)",
                "x.detach().clone().requires_grad_(True) に対して torch.autograd.grad(f(x).sum(), x) を使います")])
@cases(composite=lambda ref: ref.module("torch_basics").grad_of(softplus_tanh(torch), GRAD_OF_X.clone()))
def test_grad_of_composite(learner, expected):
    """grad_of differentiates tanh(softplus(x)) by autograd and leaves the caller's x and its .grad alone"""
    xv = GRAD_OF_X.clone().requires_grad_(True)
    xv.grad = torch.full_like(GRAD_OF_X, 7.0)
    expect_grad_of(learner, softplus_tanh(learner.module("torch")), expected["composite"], xv,
                   "grad_of(nn.Sequential(nn.Softplus(), nn.Tanh()), x)")


@check("fit_linear_regression.book", 2, ja="fit_linear_regression: 本のデータで参照解と同じ軌跡",
       hint=[tr("Each epoch: loss, gradients, a step without autograd recording it, then clear the gradients.",
                "各エポック: 損失、勾配、autograd に記録させない更新、そして勾配を消す。"),
             tr("loss = mean((W·x + B − y)²); backward; W ← W − lr·∂loss/∂W and B likewise inside "
                "torch.no_grad(); zero the grads; record the loss as a float.",
                "loss = mean((W·x + B − y)²)、backward、torch.no_grad() の中で W ← W − lr·∂loss/∂W (B も同様)、勾配を 0 "
                "にし、損失を float で記録します。"),
             tr("per epoch: loss = ((W*x + B - y)**2).mean(); loss.backward(); under torch.no_grad(): W -= "
                "lr*W.grad, B -= lr*B.grad; then W.grad.zero_(), B.grad.zero_(); record loss.item()",
                "各エポック: loss = ((W*x + B - y)**2).mean(); loss.backward(); torch.no_grad() の中で W -= lr*W.grad, B "
                "-= lr*B.grad; そのあと W.grad.zero_(), B.grad.zero_(); loss.item() を記録")])
@cases(**regression_cases(BOOK_X, BOOK_Y))
def test_fit_linear_regression_book(learner, expected):
    """fit_linear_regression follows the reference trajectory on the book's centred data (lr 0.001, 500 epochs)"""
    check_linear_regression(learner, expected, BOOK_X, BOOK_Y)


@check("train_step.linear", 1, ja="train_step: 1 ステップ (古い勾配が残ったモデル)",
       hint=[tr("Gradients add up across backward calls until someone clears them.",
                "勾配は、誰かが消すまで backward のたびに足し合わされます。"),
             tr("Clear the old gradients, compute the loss, backward, step, and return the loss as a Python "
                "float.",
                "古い勾配を消し、損失を計算し、backward、step をして、損失を Python の float で返します。"),
             tr("optimizer.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); optimizer.step(); return "
                "loss.item()",
                "optimizer.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); optimizer.step(); return "
                "loss.item()")])
@cases(**train_step_cases(LINEAR, LINEAR_PROBLEM, "SGD", {"lr": 0.1}, "MSELoss", steps=1))
def test_train_step_linear(learner, expected):
    """train_step does one SGD step on nn.Linear(3, 1) with MSE, starting from stale gradients"""
    expect_train_step(learner, expected, LINEAR, LINEAR_PROBLEM, "SGD", {"lr": 0.1}, "MSELoss", steps=1)
