"""Exercise 5 hidden checks: 4-D input to Affine, one-hot targets, the net's other methods, shared params."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.cases import cases
from course.checks.gradients import NUM_ATOL, NUM_RTOL, expect_gradients, remote_float
from course.sandbox.remote import LearnerError
from exercise5.helpers import (affine_case, check_affine, check_softmax_loss, draw, layers_copy_params, learner_net,
                               net_gradient_diagnosis, net_numerical_gradient, random_params, reference_net,
                               softmax_loss_case, write_params)

RNG_SEED = 55
AFFINE_4D = draw(RNG_SEED, x=(2, 2, 1, 3), W=(6, 2), b=(2,), dout=(2, 2))
AFFINE_FOUR = draw(RNG_SEED + 1, x=(4, 3), W=(3, 3), b=(3,), dout=(4, 3))
_rng = np.random.default_rng(RNG_SEED + 2)
ONE_HOT = {"x": _rng.standard_normal((3, 4)), "labels": np.array([1, 3, 0]), "x2": _rng.standard_normal((2, 4)),
           "x2_one_hot": _rng.standard_normal((2, 4))}


@check("affine.input_4d", 1, hidden=True, ja="Affine: 4 次元の入力 (平らにして dx を元の形状に戻す)",
       hint=tr("flatten x to (N, -1) in forward, keep x.shape, and reshape dx back to it in backward",
               "forward で x を (N, -1) に変形し元の形状を保存、backward で dx をその形状に戻します"))
@cases(values=affine_case(**AFFINE_4D))
def test_affine_4d(learner, expected):
    """Affine flattens an (N, C, H, W) input and returns dx in the input's shape"""
    check_affine(learner, expected["values"], **AFFINE_4D)


@check("affine.batch_of_four", 1, hidden=True, ja="Affine: バッチ 4 での dW, db",
       hint=tr("db = dout.sum(axis=0); dW = x.T @ dout", "db = dout.sum(axis=0)、dW = x.T @ dout"))
@cases(values=affine_case(**AFFINE_FOUR))
def test_affine_batch_four(learner, expected):
    """Affine backward on a batch of 4 with a square W (a transposed dW shows in the values)"""
    check_affine(learner, expected["values"], **AFFINE_FOUR)


@check("softmax_with_loss.one_hot", 1, hidden=True, ja="SoftmaxWithLoss: one-hot の t",
       hint=tr("accept one-hot t too: t.argmax(axis=1) turns one-hot rows into labels",
               "one-hot の t にも対応します: t.argmax(axis=1) でラベルに変換できます"))
@cases(labels=softmax_loss_case(ONE_HOT["x"], ONE_HOT["labels"]),
       one_hot=softmax_loss_case(ONE_HOT["x"], np.eye(4)[ONE_HOT["labels"]]))
def test_softmax_one_hot(learner, expected):
    """SoftmaxWithLoss gives the same loss and gradient for labels and for one-hot targets"""
    x, labels = ONE_HOT["x"], ONE_HOT["labels"]
    one_hot = np.eye(4)[labels]
    check_softmax_loss(learner, expected["labels"], x, labels, ONE_HOT["x2"], np.array([3, 2]))
    try:
        check_softmax_loss(learner, expected["one_hot"], x, one_hot, ONE_HOT["x2_one_hot"], np.eye(4)[[3, 2]])
    except (CheckFailure, LearnerError) as exc:
        raise CheckFailure(tr("SoftmaxWithLoss works with labels but not with one-hot t",
                              "SoftmaxWithLoss がラベルでは動きますが one-hot の t では動きません"),
                           call="SoftmaxWithLoss().forward(x, t_one_hot); backward()",
                           inputs={"x": x, "t": one_hot}, error=str(exc).splitlines()[0],
                           diagnosis="labels-only") from None


@check("two_layer_net.predict_accuracy", 1, hidden=True, ja="TwoLayerNet: predict と accuracy",
       hint=tr("predict returns the scores of the last Affine (no softmax); accuracy compares argmax with t",
               "predict は最後の Affine の出力 (softmax 前)、accuracy は argmax と t を比べます"))
def test_predict_accuracy(learner, reference):
    """TwoLayerNet.predict gives the scores and accuracy works with labels and one-hot t"""
    rng = np.random.default_rng(RNG_SEED + 3)
    params = random_params(rng, (4, 6, 3), scale=1.0)
    x, t = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    ref = reference_net(reference, params)
    net = learner_net(learner, params, x, t, ref.loss(x, t))
    expect_close(net.predict(x), ref.predict(x), call="net.predict(x)", inputs={"x": x})
    for one_hot, target in ((False, t), (True, np.eye(3)[t])):
        expect_close(net.accuracy(x, target), ref.accuracy(x, target),
                     call=f"net.accuracy(x, t)  (t as {'one-hot rows' if one_hot else 'labels'})",
                     inputs={"t": target})


@check("two_layer_net.params_shared", 1, hidden=True, ja="TwoLayerNet: params とレイヤが同じ配列を共有",
       hint=tr("pass self.params['W1'] itself (not a copy) to Affine, so in-place updates reach the layer",
               "Affine には self.params['W1'] そのもの (コピーではなく) を渡し、その場の更新がレイヤに届くようにします"))
def test_params_shared(learner, reference):
    """Updating net.params in place (as an optimizer does) changes what the net computes"""
    rng = np.random.default_rng(RNG_SEED + 4)
    params = random_params(rng, (3, 4, 2))
    x, t = rng.standard_normal((2, 3)), np.array([1, 0])
    net = learner_net(learner, params, x, t, reference_net(reference, params).loss(x, t))
    stepped = {k: v - 0.5 * g for (k, v), g in zip(params.items(),
                                                   reference_net(reference, params).gradient(x, t).values())}
    write_params(net, stepped)
    expect_close(remote_float(learner, net.loss, x, t), reference_net(reference, stepped).loss(x, t),
                 call="net.params[key] -= lr * grads[key]; net.loss(x, t)", inputs={"x": x, "t": t},
                 diagnose=lambda got: "layers-copy-params" if layers_copy_params(learner, stepped, x, t) else None)


@check("two_layer_net.numerical_gradient", 1, hidden=True, ja="TwoLayerNet.numerical_gradient",
       hint=tr("use numerical_gradient from common.py on lambda _: self.loss(x, t), once per parameter",
               "common.py の numerical_gradient を lambda _: self.loss(x, t) に対してパラメータごとに使います"))
def test_numerical_gradient(learner, reference):
    """TwoLayerNet.numerical_gradient matches the kit's central difference of the loss"""
    rng = np.random.default_rng(RNG_SEED + 5)
    params = random_params(rng, (3, 4, 2))
    x, t = rng.standard_normal((2, 3)), np.array([1, 0])
    net = learner_net(learner, params, x, t, reference_net(reference, params).loss(x, t))
    expected = net_numerical_gradient(learner, net, params, x, t)
    expect_gradients(net.numerical_gradient(x, t), expected, numerical=expected, call="net.numerical_gradient(x, t)",
                     inputs={"x": x, "t": t}, rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical",
                     diagnose=net_gradient_diagnosis(x.shape[0]))
