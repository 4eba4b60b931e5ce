"""Exercise 5 helpers shared by the public and hidden checks (as fixtures: graders import no siblings).

Every backward is checked twice: against the kit's own float64 central difference of the learner's forward
(with a random upstream ``dout``), then against the reference's backward. Both failures carry the
per-parameter table of :mod:`course.checks.gradients`.
"""
import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from course.checks import CheckFailure, expect_close, tr
from course.checks.gradients import (NUM_ATOL, NUM_RTOL, central_difference, expect_gradients, layer_gradient,
                                     ratio_is, remote_float)


def affine_diagnosis(n):
    """The named mistakes of an Affine backward on a batch of ``n``."""
    def diagnose(rows):
        if rows["dW"].transposed:
            return "dw-transposed"
        if ratio_is(rows["db"], 1 / n):
            return "db-averaged"
        return None
    return diagnose


def check_affine(learner, reference, x, W, b, dout):
    """Affine forward against the reference, backward (dx, dW, db) against central differences and the reference."""
    layers, ref_layers = learner.module("layers"), reference.module("layers")
    call = f"Affine(W, b).forward(x); backward(dout)  (x {x.shape}, W {W.shape})"
    inputs = {"x": x, "W": W, "b": b, "dout": dout}
    layer = layers.Affine(W, b)
    ref = ref_layers.Affine(W.copy(), b.copy())
    expect_close(layer.forward(x), ref.forward(x.copy()), call=call, inputs=inputs, what="forward")
    got = {"dx": layer.backward(dout.copy()), "dW": layer.dW, "db": layer.db}
    expected = {"dx": ref.backward(dout.copy()), "dW": ref.dW, "db": ref.db}
    numerical = {"dx": layer_gradient(lambda v: layers.Affine(W, b).forward(v), x, dout),
                 "dW": layer_gradient(lambda v: layers.Affine(v, b).forward(x), W, dout),
                 "db": layer_gradient(lambda v: layers.Affine(W, v).forward(x), b, dout)}
    diagnose = affine_diagnosis(x.shape[0])
    expect_gradients(got, numerical, numerical=numerical, call=call, inputs=inputs, rtol=NUM_RTOL, atol=NUM_ATOL,
                     against="numerical", diagnose=diagnose)
    expect_gradients(got, expected, numerical=numerical, call=call, inputs=inputs, diagnose=diagnose)


def check_activation(learner, reference, name, x, dout, diagnose=None):
    """A one-input layer (Relu, Sigmoid): forward against the reference, backward against both checks."""
    cls, ref_cls = getattr(learner.module("layers"), name), getattr(reference.module("layers"), name)
    call = f"{name}().forward(x); backward(dout)"
    inputs = {"x": x, "dout": dout}
    layer, ref = cls(), ref_cls()
    expect_close(layer.forward(x), ref.forward(x.copy()), call=call, inputs=inputs, what="forward")
    got = {"dx": layer.backward(dout.copy())}
    expected = {"dx": ref.backward(dout.copy())}
    smooth = np.abs(x) > 1e-3      # a central difference across ReLU's kink is meaningless
    numerical = {"dx": layer_gradient(lambda v: cls().forward(v), x, dout)}
    expect_gradients({"dx": np.where(smooth, got["dx"], 0.0) if np.shape(got["dx"]) == x.shape else got["dx"]},
                     {"dx": np.where(smooth, numerical["dx"], 0.0)}, numerical=numerical, call=call,
                     inputs=inputs, rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical",
                     diagnose=lambda rows: diagnose(got["dx"]) if diagnose else None)
    expect_gradients(got, expected, numerical=numerical, call=call, inputs=inputs,
                     diagnose=lambda rows: diagnose(got["dx"]) if diagnose else None)


def softmax_loss_gradient(learner, x, t):
    """(learner's dx from backward(), kit's central difference of the learner's loss) for one batch."""
    cls = learner.module("layers").SoftmaxWithLoss
    layer = cls()
    layer.forward.ref(x, t)
    return layer.backward(), central_difference(lambda v: remote_float(learner, cls().forward, v, t), x)


def check_softmax_loss(learner, reference, x, t, x2, t2):
    """SoftmaxWithLoss: loss against the reference, backward() (dout=1) against both checks.

    A wrong gradient whose ratio to the right one is exactly N is checked again on a second batch size
    (x2, t2): only a ratio that follows N names the missing division.
    """
    cls, ref_cls = learner.module("layers").SoftmaxWithLoss, reference.module("layers").SoftmaxWithLoss
    call = "SoftmaxWithLoss().forward(x, t); backward()"
    inputs = {"x": x, "t": t}
    ref = ref_cls()
    expect_close(remote_float(learner, cls().forward, x, t), ref.forward(x.copy(), t.copy()), call=call, inputs=inputs,
                 what="loss", rtol=1e-9,
                 diagnose=lambda got: "missing-batch-division" if np.isclose(got, x.shape[0] * ref.loss) else None)
    dx, numerical = softmax_loss_gradient(learner, x, t)

    def diagnose(rows):
        if not ratio_is(rows["dx"], x.shape[0]):
            return None
        dx2, num2 = softmax_loss_gradient(learner, x2, t2)
        ratio2 = np.vdot(dx2, num2) / np.vdot(num2, num2) if np.shape(dx2) == num2.shape else None
        return "missing-batch-division" if ratio2 is not None and np.isclose(ratio2, x2.shape[0]) else None

    expect_gradients({"dx": dx}, {"dx": numerical}, numerical={"dx": numerical}, call=call, inputs=inputs,
                     rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical", diagnose=diagnose)
    expect_gradients({"dx": dx}, {"dx": ref.backward()}, numerical={"dx": numerical}, call=call, inputs=inputs,
                     diagnose=diagnose)


def write_params(net, params):
    """Write ``params`` into the learner's existing arrays (the layers share them), as an optimizer would."""
    arrays = net.ref.params
    for key, value in params.items():
        arrays.ref[key][()] = value


def reference_net(reference, params):
    """The reference TwoLayerNet holding ``params``."""
    sizes = params["W1"].shape[0], params["W1"].shape[1], params["W2"].shape[1]
    net = reference.module("two_layer_net").TwoLayerNet(*sizes)
    for key, value in params.items():
        net.params[key][()] = value
    return net


def learner_net(learner, reference, params, x, t):
    """The learner's TwoLayerNet holding ``params``, after checking that its loss follows them.

    A loss that matches the net's *initial* parameters instead means the layers hold copies of params.
    """
    sizes = params["W1"].shape[0], params["W1"].shape[1], params["W2"].shape[1]
    net = learner.module("two_layer_net").TwoLayerNet(*sizes)
    initial = net.params
    write_params(net, params)
    expected = reference_net(reference, params).loss(x, t)
    got = remote_float(learner, net.loss, x, t)
    if not np.isclose(got, expected, rtol=1e-9):
        # Layers that copied some of the arrays still compute with those arrays' initial values.
        stale = [{k: initial[k] if k in keys else v for k, v in params.items()}
                 for n in range(1, len(params) + 1) for keys in itertools.combinations(params, n)]
        copied = any(np.isclose(got, reference_net(reference, p).loss(x, t), rtol=1e-9) for p in stale)
        raise CheckFailure(tr("net.loss(x, t) does not follow the parameters written into net.params",
                              "net.params に書き込んだパラメータが net.loss(x, t) に反映されていません"),
                           call="net.params[key][...] = value; net.loss(x, t)", inputs={"x": x, "t": t},
                           expected=expected, got=got, diagnosis="layers-copy-params" if copied else None)
    return net


def net_gradient_diagnosis(n):
    """The named mistakes of TwoLayerNet.gradient on a batch of ``n``."""
    def diagnose(rows):
        if all(ratio_is(r, n) for r in rows.values()):
            return "missing-batch-division"
        if ratio_is(rows["b1"], 1 / n) or ratio_is(rows["b2"], 1 / n):
            return "db-averaged"
        if rows["W1"].transposed or rows["W2"].transposed:
            return "dw-transposed"
        return None
    return diagnose


def net_numerical_gradient(learner, net, params, x, t):
    """The kit's central difference of the learner's net.loss, moving the learner's own arrays in place."""
    arrays = {key: net.ref.params.ref[key] for key in params}
    method = net.loss
    grads = {}
    for key, value in params.items():
        def loss(v, target=arrays[key]):
            target[()] = v
            return remote_float(learner, method, x, t)
        grads[key] = central_difference(loss, value)
        arrays[key][()] = value
    return grads


def random_params(rng, sizes, scale=0.5):
    """Parameters of a small net with moderate scores (keeps the softmax away from 0 and 1)."""
    n_in, n_hidden, n_out = sizes
    return {"W1": scale * rng.standard_normal((n_in, n_hidden)), "b1": 0.1 * rng.standard_normal(n_hidden),
            "W2": scale * rng.standard_normal((n_hidden, n_out)), "b2": 0.1 * rng.standard_normal(n_out)}


@pytest.fixture(scope="session")
def ex5():
    """The helpers above, for the checks in this folder and in hidden/."""
    return SimpleNamespace(check_affine=check_affine, check_activation=check_activation,
                           check_softmax_loss=check_softmax_loss, learner_net=learner_net,
                           reference_net=reference_net, net_numerical_gradient=net_numerical_gradient,
                           net_gradient_diagnosis=net_gradient_diagnosis, random_params=random_params,
                           write_params=write_params, scalar=remote_float)
