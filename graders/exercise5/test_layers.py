"""Exercise 5 public checks: each layer's forward and backward, and the two-layer net's gradient.

Backward passes are checked against the kit's own float64 central difference of the learner's forward,
with a random upstream gradient ``dout``, and against the reference's backward.
"""
import numpy as np

from course.checks import check, expect_close, tr
from course.checks.cases import cases
from course.checks.gradients import NUM_ATOL, NUM_RTOL, expect_gradients
from exercise5.helpers import (activation_case, affine_case, check_activation, check_affine, check_softmax_loss,
                               draw, learner_net, net_case, net_gradient_diagnosis, net_numerical_gradient,
                               random_params, softmax_loss_case)

RNG_SEED = 5
MUL_ADD = {"x": np.array([2.0, -1.5, 0.5]), "y": np.array([3.0, 4.0, -2.0]), "dout": np.array([1.1, -0.7, 2.0])}
RELU = {"x": np.array([[1.5, -0.5, 0.0], [0.0, 2.0, -3.0]]), "dout": np.array([[0.3, -1.2, 0.8], [-0.6, 1.1, 0.4]])}
SIGMOID = draw(RNG_SEED, x=(2, 3), dout=(2, 3))
AFFINE = draw(RNG_SEED + 1, x=(3, 4), W=(4, 2), b=(2,), dout=(3, 2))
# An (N, C, H, W) batch: Affine flattens it, and dx must come back in its shape.
AFFINE_IMAGES = draw(RNG_SEED + 6, x=(2, 3, 2, 2), W=(12, 3), b=(3,), dout=(2, 3))
SOFTMAX = {**draw(RNG_SEED + 2, x=(3, 4), x2=(2, 4)), "t": np.array([0, 3, 1]), "t2": np.array([2, 0])}
_net_rng = np.random.default_rng(RNG_SEED + 3)
NET = {"params": random_params(_net_rng, (4, 5, 3)), "x": _net_rng.standard_normal((3, 4)), "t": np.array([2, 0, 1])}


def mul_add_case(name):
    """The reference layer ``name`` (MulLayer, AddLayer) on MUL_ADD: {"out", "dx", "dy"}."""
    def compute(ref):
        layer = getattr(ref.module("layers"), name)()
        out = layer.forward(MUL_ADD["x"].copy(), MUL_ADD["y"].copy())
        dx, dy = layer.backward(MUL_ADD["dout"].copy())
        return {"out": out, "dx": dx, "dy": dy}
    return compute


@check("mul_add.backward", 1, ja="MulLayer と AddLayer: 順伝播と逆伝播",
       hint=[tr("In backward, each input receives dout times the local derivative of the output with respect to "
                "it.",
                "backward では、各入力は dout × (その入力についての出力の局所微分) を受け取ります。"),
             tr("For z = x·y, ∂z/∂x = y and ∂z/∂y = x (the inputs swap); for z = x + y both are 1.",
                "z = x·y なら ∂z/∂x = y、∂z/∂y = x (入れ替わります)。z = x + y ならどちらも 1 です。"),
             tr("MulLayer.backward returns (dout*y, dout*x): each input gets the other one; AddLayer returns "
                "(dout, dout)",
                "MulLayer.backward は (dout*y, dout*x) を返します (相手の値を掛ける)。AddLayer は (dout, dout)")])
@cases(MulLayer=mul_add_case("MulLayer"), AddLayer=mul_add_case("AddLayer"))
def test_mul_add(learner, expected):
    """MulLayer and AddLayer pass the right gradients to both inputs"""
    layers = learner.module("layers")
    x, y, dout = MUL_ADD["x"], MUL_ADD["y"], MUL_ADD["dout"]
    for name in ("MulLayer", "AddLayer"):
        layer, want = getattr(layers, name)(), expected[name]
        call = f"{name}().forward(x, y); backward(dout)"
        inputs = {"x": x, "y": y, "dout": dout}
        expect_close(layer.forward(x, y), want["out"], call=call, inputs=inputs, what="forward")
        dx, dy = layer.backward(dout)
        expect_gradients({"dx": dx, "dy": dy}, {"dx": want["dx"], "dy": want["dy"]}, call=call, inputs=inputs)


@check("relu.backward", 1, ja="Relu: 逆伝播 (x ≤ 0 で勾配 0)",
       hint=[tr("backward needs to know where the input was positive; forward is the only one that saw it.",
                "backward は入力が正だった場所を知る必要があります。それを見たのは forward だけです。"),
             tr("Remember a mask of x ≤ 0 in forward; the gradient passes where x > 0 and is 0 elsewhere (also at "
                "x == 0).",
                "forward で x ≤ 0 のマスクを覚えておきます。勾配は x > 0 で通り、それ以外 (x == 0 も) では 0 です。"),
             tr("mask = (x <= 0) in forward; backward sets dout to 0 where the mask is True (x == 0 included)",
                "forward で mask = (x <= 0) を保存し、backward でマスクの位置の dout を 0 にします (x == 0 も含む)")])
@cases(values=activation_case("Relu", RELU["x"], RELU["dout"]))
def test_relu(learner, expected):
    """Relu passes dout only where x > 0 (gradient 0 at x == 0)"""
    x, dout = RELU["x"], RELU["dout"]
    zeros = x == 0

    def diagnose(got):
        strict = np.where(x < 0, 0.0, dout)
        return "relu-mask-strict" if np.shape(got) == x.shape and np.allclose(got, strict) else None
    assert zeros.any()
    check_activation(learner, expected["values"], "Relu", x, dout, diagnose)


@check("sigmoid.backward", 1, ja="Sigmoid: 逆伝播",
       hint=[tr("The sigmoid's derivative can be written with its own output.",
                "シグモイドの微分は自身の出力で書けます。"),
             tr("∂y/∂x = y(1 − y) with y the output of forward, so backward gives dout·y(1 − y).",
                "∂y/∂x = y(1 − y) (y は forward の出力)。backward は dout·y(1 − y) を返します。"),
             tr("keep the output y = sigmoid(x) in forward; backward returns dout * y * (1 - y)",
                "forward で出力 y を保存し、backward で dout * y * (1 - y) を返します")])
@cases(values=activation_case("Sigmoid", SIGMOID["x"], SIGMOID["dout"]))
def test_sigmoid(learner, expected):
    """Sigmoid backward is dout·y(1−y) with y the forward output"""
    x, dout = SIGMOID["x"], SIGMOID["dout"]

    def diagnose(got):
        return "sigmoid-backward-uses-x" if np.shape(got) == x.shape and np.allclose(got, dout * x * (1 - x)) else None
    check_activation(learner, expected["values"], "Sigmoid", x, dout, diagnose)


@check("affine.backward", 2, ja="Affine: 逆伝播 (dx, dW, db)",
       hint=[tr("Each gradient has the shape of what it is the gradient of: dx like x, dW like W, db like b.",
                "勾配は、その対象と同じ形状です: dx は x、dW は W、db は b と同じ。"),
             tr("For Y = X·W + B: ∂L/∂X = ∂L/∂Y · Wᵀ, ∂L/∂W = Xᵀ · ∂L/∂Y, ∂L/∂B = Σ over the batch of ∂L/∂Y "
                "(flatten a 4-D x first, reshape dx back).",
                "Y = X·W + B なら ∂L/∂X = ∂L/∂Y · Wᵀ、∂L/∂W = Xᵀ · ∂L/∂Y、∂L/∂B = ∂L/∂Y のバッチ方向の和 (4 次元の x は平らにし、dx "
                "を元の形に戻します)。"),
             tr("dx = dout @ W.T, dW = x.T @ dout (shaped like W), db = dout.sum(axis=0) (a sum, not a mean)",
                "dx = dout @ W.T、dW = x.T @ dout (W と同じ形状)、db = dout.sum(axis=0) (平均ではなく和)")])
@cases(rows=affine_case(**AFFINE), images=affine_case(**AFFINE_IMAGES))
def test_affine(learner, expected):
    """Affine backward gives dx shaped like x (also (N, C, H, W)), dW shaped like W, db summed over the batch"""
    check_affine(learner, expected["rows"], **AFFINE)
    check_affine(learner, expected["images"], **AFFINE_IMAGES)


@check("softmax_with_loss.backward", 2, ja="SoftmaxWithLoss: 損失と逆伝播 (y − t)/N",
       hint=[tr("softmax followed by cross entropy has a famously simple gradient.",
                "softmax の後に交差エントロピー、という組み合わせの勾配は有名なほど簡単です。"),
             tr("The loss is the batch mean, so the gradient with respect to the scores is (y − t) / N.",
                "損失はバッチの平均なので、スコアについての勾配は (y − t) / N です。"),
             tr("backward(dout=1) returns (y - t) / N with N the batch size",
                "backward(dout=1) は (y - t) / N を返します (N はバッチサイズ)")])
@cases(batch=softmax_loss_case(SOFTMAX["x"], SOFTMAX["t"]))
def test_softmax_with_loss(learner, expected):
    """SoftmaxWithLoss gives the batch-mean loss and (y − t)/N from backward()"""
    check_softmax_loss(learner, expected["batch"], **SOFTMAX)


@check("two_layer_net.gradient", 2, ja="TwoLayerNet.gradient: 誤差逆伝播法の勾配",
       hint=[tr("The gradient comes from one forward pass and one backward pass through the same layers.",
                "勾配は、同じレイヤを通る forward 1 回と backward 1 回で求まります。"),
             tr("Forward through Affine1 → Relu → Affine2 → SoftmaxWithLoss, then call backward on each layer in "
                "reverse order, starting from dout = 1.",
                "Affine1 → Relu → Affine2 → SoftmaxWithLoss と forward し、dout = 1 から始めて逆順に各レイヤの backward を呼びます。"),
             tr("run loss(x, t), then backward through the layers in reverse order; return W1 b1 W2 b2 from the "
                "Affine layers' dW, db",
                "loss(x, t) の後、レイヤを逆順に backward し、Affine レイヤの dW, db を W1 b1 W2 b2 として返します")])
@cases(net=net_case(**NET))
def test_two_layer_net_gradient(learner, expected):
    """TwoLayerNet.gradient matches the numerical gradient of its loss and the reference"""
    params, x, t = NET["params"], NET["x"], NET["t"]
    want = expected["net"]
    net = learner_net(learner, params, x, t, want["loss"])
    call = "TwoLayerNet(4, 5, 3).gradient(x, t)"
    numerical = net_numerical_gradient(learner, net, params, x, t)
    got = net.gradient(x, t)
    diagnose = net_gradient_diagnosis(x.shape[0])
    # A ratio of the net's gradients is over the batch or the net's classes (its outputs), not x's columns.
    sizes = {"N": x.shape[0], "C": params["W2"].shape[1]}
    expect_gradients(got, numerical, numerical=numerical, call=call, inputs={"x": x, "t": t}, rtol=NUM_RTOL,
                     atol=NUM_ATOL, against="numerical", diagnose=diagnose, sizes=sizes)
    expect_gradients(got, want["gradient"], numerical=numerical, call=call, inputs={"x": x, "t": t},
                     diagnose=diagnose, sizes=sizes)
