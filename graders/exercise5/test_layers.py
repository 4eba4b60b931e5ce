"""Exercise 5 public checks: each layer's forward and backward, and the two-layer net's gradient.

Backward passes are checked against the kit's own float64 central difference of the learner's forward,
with a random upstream gradient ``dout``, and against the reference's backward.
"""
import numpy as np

from course.checks import check, expect_close, tr
from course.checks.gradients import NUM_ATOL, NUM_RTOL, expect_gradients

RNG_SEED = 5


@check("mul_add.backward", 1, ja="MulLayer と AddLayer: 順伝播と逆伝播",
       hint=tr("MulLayer.backward returns (dout*y, dout*x): each input gets the other one; AddLayer returns (dout, dout)",
               "MulLayer.backward は (dout*y, dout*x) を返します (相手の値を掛ける)。AddLayer は (dout, dout)"))
def test_mul_add(learner, reference):
    """MulLayer and AddLayer pass the right gradients to both inputs"""
    layers, ref_layers = learner.module("layers"), reference.module("layers")
    x, y, dout = np.array([2.0, -1.5, 0.5]), np.array([3.0, 4.0, -2.0]), np.array([1.1, -0.7, 2.0])
    for name in ("MulLayer", "AddLayer"):
        layer, ref = getattr(layers, name)(), getattr(ref_layers, name)()
        call = f"{name}().forward(x, y); backward(dout)"
        inputs = {"x": x, "y": y, "dout": dout}
        expect_close(layer.forward(x, y), ref.forward(x, y), call=call, inputs=inputs, what="forward")
        dx, dy = layer.backward(dout)
        ref_dx, ref_dy = ref.backward(dout)
        expect_gradients({"dx": dx, "dy": dy}, {"dx": ref_dx, "dy": ref_dy}, call=call, inputs=inputs)


@check("relu.backward", 1, ja="Relu: 逆伝播 (x ≤ 0 で勾配 0)",
       hint=tr("mask = (x <= 0) in forward; backward sets dout to 0 where the mask is True (x == 0 included)",
               "forward で mask = (x <= 0) を保存し、backward でマスクの位置の dout を 0 にします (x == 0 も含む)"))
def test_relu(learner, reference, ex5):
    """Relu passes dout only where x > 0 (gradient 0 at x == 0)"""
    x = np.array([[1.5, -0.5, 0.0], [0.0, 2.0, -3.0]])
    dout = np.array([[0.3, -1.2, 0.8], [-0.6, 1.1, 0.4]])
    zeros = x == 0

    def diagnose(got):
        strict = np.where(x < 0, 0.0, dout)
        return "relu-mask-strict" if np.shape(got) == x.shape and np.allclose(got, strict) else None
    assert zeros.any()
    ex5.check_activation(learner, reference, "Relu", x, dout, diagnose)


@check("sigmoid.backward", 1, ja="Sigmoid: 逆伝播",
       hint=tr("keep the output y = sigmoid(x) in forward; backward returns dout * y * (1 - y)",
               "forward で出力 y を保存し、backward で dout * y * (1 - y) を返します"))
def test_sigmoid(learner, reference, ex5):
    """Sigmoid backward is dout·y(1−y) with y the forward output"""
    rng = np.random.default_rng(RNG_SEED)
    x, dout = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))

    def diagnose(got):
        return "sigmoid-backward-uses-x" if np.shape(got) == x.shape and np.allclose(got, dout * x * (1 - x)) else None
    ex5.check_activation(learner, reference, "Sigmoid", x, dout, diagnose)


@check("affine.backward", 2, ja="Affine: 逆伝播 (dx, dW, db)",
       hint=tr("dx = dout @ W.T, dW = x.T @ dout (shaped like W), db = dout.sum(axis=0) (a sum, not a mean)",
               "dx = dout @ W.T、dW = x.T @ dout (W と同じ形状)、db = dout.sum(axis=0) (平均ではなく和)"))
def test_affine(learner, reference, ex5):
    """Affine backward gives dx, dW (shaped like W) and db (summed over the batch)"""
    rng = np.random.default_rng(RNG_SEED + 1)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)
    ex5.check_affine(learner, reference, x, W, b, rng.standard_normal((3, 2)))


@check("softmax_with_loss.backward", 2, ja="SoftmaxWithLoss: 損失と逆伝播 (y − t)/N",
       hint=tr("backward(dout=1) returns (y - t) / N with N the batch size",
               "backward(dout=1) は (y - t) / N を返します (N はバッチサイズ)"))
def test_softmax_with_loss(learner, reference, ex5):
    """SoftmaxWithLoss gives the batch-mean loss and (y − t)/N from backward()"""
    rng = np.random.default_rng(RNG_SEED + 2)
    ex5.check_softmax_loss(learner, reference, rng.standard_normal((3, 4)), np.array([0, 3, 1]),
                           rng.standard_normal((2, 4)), np.array([2, 0]))


@check("two_layer_net.gradient", 2, ja="TwoLayerNet.gradient: 誤差逆伝播法の勾配",
       hint=tr("run loss(x, t), then backward through the layers in reverse order; return W1 b1 W2 b2 from the Affine layers' dW, db",
               "loss(x, t) の後、レイヤを逆順に backward し、Affine レイヤの dW, db を W1 b1 W2 b2 として返します"))
def test_two_layer_net_gradient(learner, reference, ex5):
    """TwoLayerNet.gradient matches the numerical gradient of its loss and the reference"""
    rng = np.random.default_rng(RNG_SEED + 3)
    params = ex5.random_params(rng, (4, 5, 3))
    x, t = rng.standard_normal((3, 4)), np.array([2, 0, 1])
    net = ex5.learner_net(learner, reference, params, x, t)
    call = "TwoLayerNet(4, 5, 3).gradient(x, t)"
    numerical = ex5.net_numerical_gradient(learner, net, params, x, t)
    got = net.gradient(x, t)
    diagnose = ex5.net_gradient_diagnosis(x.shape[0])
    expect_gradients(got, numerical, numerical=numerical, call=call, inputs={"x": x, "t": t}, rtol=NUM_RTOL,
                     atol=NUM_ATOL, against="numerical", diagnose=diagnose)
    expect_gradients(got, ex5.reference_net(reference, params).gradient(x, t), numerical=numerical, call=call,
                     inputs={"x": x, "t": t}, diagnose=diagnose)
