"""Exercise 5 hidden checks: 4-D input to Affine, one-hot targets, the net's other methods, shared params."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.gradients import NUM_ATOL, NUM_RTOL, expect_gradients
from course.sandbox.remote import LearnerError

RNG_SEED = 55


@check("affine.input_4d", 1, hidden=True, ja="Affine: 4 次元の入力 (平らにして dx を元の形状に戻す)",
       hint=tr("flatten x to (N, -1) in forward, keep x.shape, and reshape dx back to it in backward",
               "forward で x を (N, -1) に変形し元の形状を保存、backward で dx をその形状に戻します"))
def test_affine_4d(learner, reference, ex5):
    """Affine flattens an (N, C, H, W) input and returns dx in the input's shape"""
    rng = np.random.default_rng(RNG_SEED)
    x, W, b = rng.standard_normal((2, 2, 1, 3)), rng.standard_normal((6, 2)), rng.standard_normal(2)
    ex5.check_affine(learner, reference, x, W, b, rng.standard_normal((2, 2)))


@check("affine.batch_of_four", 1, hidden=True, ja="Affine: バッチ 4 での dW, db",
       hint=tr("db = dout.sum(axis=0); dW = x.T @ dout", "db = dout.sum(axis=0)、dW = x.T @ dout"))
def test_affine_batch_four(learner, reference, ex5):
    """Affine backward on a batch of 4 with a square W (a transposed dW shows in the values)"""
    rng = np.random.default_rng(RNG_SEED + 1)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    ex5.check_affine(learner, reference, x, W, b, rng.standard_normal((4, 3)))


@check("softmax_with_loss.one_hot", 1, hidden=True, ja="SoftmaxWithLoss: one-hot の t",
       hint=tr("accept one-hot t too: t.argmax(axis=1) turns one-hot rows into labels",
               "one-hot の t にも対応します: t.argmax(axis=1) でラベルに変換できます"))
def test_softmax_one_hot(learner, reference, ex5):
    """SoftmaxWithLoss gives the same loss and gradient for labels and for one-hot targets"""
    rng = np.random.default_rng(RNG_SEED + 2)
    x, labels = rng.standard_normal((3, 4)), np.array([1, 3, 0])
    one_hot = np.eye(4)[labels]
    ex5.check_softmax_loss(learner, reference, x, labels, rng.standard_normal((2, 4)), np.array([3, 2]))
    try:
        ex5.check_softmax_loss(learner, reference, x, one_hot, rng.standard_normal((2, 4)), np.eye(4)[[3, 2]])
    except (CheckFailure, LearnerError) as exc:
        raise CheckFailure(tr("SoftmaxWithLoss works with labels but not with one-hot t",
                              "SoftmaxWithLoss がラベルでは動きますが one-hot の t では動きません"),
                           call="SoftmaxWithLoss().forward(x, t_one_hot); backward()",
                           inputs={"x": x, "t": one_hot}, error=str(exc).splitlines()[0],
                           diagnosis="labels-only") from None


@check("two_layer_net.predict_accuracy", 1, hidden=True, ja="TwoLayerNet: predict と accuracy",
       hint=tr("predict returns the scores of the last Affine (no softmax); accuracy compares argmax with t",
               "predict は最後の Affine の出力 (softmax 前)、accuracy は argmax と t を比べます"))
def test_predict_accuracy(learner, reference, ex5):
    """TwoLayerNet.predict gives the scores and accuracy works with labels and one-hot t"""
    rng = np.random.default_rng(RNG_SEED + 3)
    params = ex5.random_params(rng, (4, 6, 3), scale=1.0)
    x, t = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    net = ex5.learner_net(learner, reference, params, x, t)
    ref = ex5.reference_net(reference, params)
    expect_close(net.predict(x), ref.predict(x), call="net.predict(x)", inputs={"x": x})
    for one_hot, target in ((False, t), (True, np.eye(3)[t])):
        expect_close(net.accuracy(x, target), ref.accuracy(x, target),
                     call=f"net.accuracy(x, t)  (t as {'one-hot rows' if one_hot else 'labels'})",
                     inputs={"t": target}, diagnose=lambda got: "labels-only" if one_hot else None)


@check("two_layer_net.params_shared", 1, hidden=True, ja="TwoLayerNet: params とレイヤが同じ配列を共有",
       hint=tr("pass self.params['W1'] itself (not a copy) to Affine, so in-place updates reach the layer",
               "Affine には self.params['W1'] そのもの (コピーではなく) を渡し、その場の更新がレイヤに届くようにします"))
def test_params_shared(learner, reference, ex5):
    """Updating net.params in place (as an optimizer does) changes what the net computes"""
    rng = np.random.default_rng(RNG_SEED + 4)
    params = ex5.random_params(rng, (3, 4, 2))
    x, t = rng.standard_normal((2, 3)), np.array([1, 0])
    net = ex5.learner_net(learner, reference, params, x, t)
    stepped = {k: v - 0.5 * g for (k, v), g in zip(params.items(),
                                                   ex5.reference_net(reference, params).gradient(x, t).values())}
    ex5.write_params(net, stepped)
    expect_close(ex5.scalar(learner, net.loss, x, t), ex5.reference_net(reference, stepped).loss(x, t),
                 call="net.params[key] -= lr * grads[key]; net.loss(x, t)", inputs={"x": x, "t": t},
                 diagnose=lambda got: "layers-copy-params")


@check("two_layer_net.numerical_gradient", 1, hidden=True, ja="TwoLayerNet.numerical_gradient",
       hint=tr("use numerical_gradient from common.py on lambda _: self.loss(x, t), once per parameter",
               "common.py の numerical_gradient を lambda _: self.loss(x, t) に対してパラメータごとに使います"))
def test_numerical_gradient(learner, reference, ex5):
    """TwoLayerNet.numerical_gradient matches the kit's central difference of the loss"""
    rng = np.random.default_rng(RNG_SEED + 5)
    params = ex5.random_params(rng, (3, 4, 2))
    x, t = rng.standard_normal((2, 3)), np.array([1, 0])
    net = ex5.learner_net(learner, reference, params, x, t)
    expected = ex5.net_numerical_gradient(learner, net, params, x, t)
    expect_gradients(net.numerical_gradient(x, t), expected, numerical=expected, call="net.numerical_gradient(x, t)",
                     inputs={"x": x, "t": t}, rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical",
                     diagnose=ex5.net_gradient_diagnosis(x.shape[0]))
