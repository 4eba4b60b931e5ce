"""Exercise 5 helpers shared by the public and hidden checks (``from exercise5.helpers import ...``).

Every backward is checked twice: against the kit's own float64 central difference of the learner's forward
(with a random upstream ``dout``), then against the reference's backward, whose values are the check's cases
(``*_case`` below: computed from the solution in the kit, shipped as data to learners). Both failures carry
the per-parameter table of :mod:`course.checks.gradients`.
"""
import numpy as np

from course.checks import CheckFailure, expect_close, tr
from course.checks.gradients import (NUM_ATOL, NUM_RTOL, central_difference, expect_gradients, layer_gradient,
                                     ratio_is, remote_float)

# A loss is one float64 number computed by the same formula here and there: only summation order may differ.
LOSS_RTOL = 1e-9


def draw(seed, **shapes):
    """Standard normal arrays of ``shapes``, drawn in order from one seeded generator: a check's inputs."""
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()}


def affine_case(x, W, b, dout):
    """The reference Affine(W, b) on x, then backward(dout): {"out", "dx", "dW", "db"}."""
    def compute(ref):
        layer = ref.module("layers").Affine(W.copy(), b.copy())
        out = layer.forward(x.copy())
        return {"out": out, "dx": layer.backward(dout.copy()), "dW": layer.dW, "db": layer.db}
    return compute


def affine_diagnosis(x, dout=None):
    """The named mistakes of an Affine backward on the input ``x`` (and upstream ``dout``: db summed along
    the other axis, over each sample's outputs, is that sum exactly)."""
    n = x.shape[0]

    def diagnose(rows):
        dx, db = rows["dx"], rows["db"]
        if dx.problem == "shape" and x.ndim > 2 and np.shape(dx.got) == (n, x[0].size):
            return "affine-dx-not-reshaped"
        if rows["dW"].transposed:
            return "dw-transposed"
        if ratio_is(db, 1 / n) and rows["dW"].ok:
            return "db-averaged"
        if dout is not None and db.got is not None and db.got.shape == (n,) and np.allclose(db.got, dout.sum(axis=1)):
            return "wrong-axis"
        return None
    return diagnose


def check_affine(learner, want, x, W, b, dout):
    """Affine forward against the reference (``want`` from :func:`affine_case`), backward (dx, dW, db) against
    central differences and the reference."""
    layers = learner.module("layers")
    call = f"Affine(W, b).forward(x); backward(dout)  (x {x.shape}, W {W.shape})"
    inputs = {"x": x, "W": W, "b": b, "dout": dout}
    layer = layers.Affine(W, b)
    expect_close(layer.forward(x), want["out"], call=call, inputs=inputs, what="forward")
    got = {"dx": layer.backward(dout.copy()), "dW": layer.dW, "db": layer.db}
    expected = {"dx": want["dx"], "dW": want["dW"], "db": want["db"]}
    numerical = {"dx": layer_gradient(lambda v: layers.Affine(W, b).forward(v), x, dout),
                 "dW": layer_gradient(lambda v: layers.Affine(v, b).forward(x), W, dout),
                 "db": layer_gradient(lambda v: layers.Affine(W, v).forward(x), b, dout)}
    diagnose = affine_diagnosis(x, dout)
    expect_gradients(got, numerical, numerical=numerical, call=call, inputs=inputs, rtol=NUM_RTOL, atol=NUM_ATOL,
                     against="numerical", diagnose=diagnose)
    expect_gradients(got, expected, numerical=numerical, call=call, inputs=inputs, diagnose=diagnose)


def activation_case(name, x, dout):
    """The reference layer ``name`` (Relu, Sigmoid) on x, then backward(dout): {"out", "dx"}."""
    def compute(ref):
        layer = getattr(ref.module("layers"), name)()
        return {"out": layer.forward(x.copy()), "dx": layer.backward(dout.copy())}
    return compute


def check_activation(learner, want, name, x, dout, diagnose=None):
    """A one-input layer (Relu, Sigmoid): forward against the reference (``want`` from
    :func:`activation_case`), backward against both checks."""
    cls = getattr(learner.module("layers"), name)
    call = f"{name}().forward(x); backward(dout)"
    inputs = {"x": x, "dout": dout}
    layer = cls()
    expect_close(layer.forward(x), want["out"], call=call, inputs=inputs, what="forward")
    expect_input_kept(learner, name, x)
    got = {"dx": layer.backward(dout.copy())}
    expected = {"dx": want["dx"]}
    smooth = np.abs(x) > 1e-3      # a central difference across ReLU's kink is meaningless
    numerical = {"dx": layer_gradient(lambda v: cls().forward(v), x, dout)}
    expect_gradients({"dx": np.where(smooth, got["dx"], 0.0) if np.shape(got["dx"]) == x.shape else got["dx"]},
                     {"dx": np.where(smooth, numerical["dx"], 0.0)}, numerical=numerical, call=call,
                     inputs=inputs, rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical",
                     diagnose=lambda rows: diagnose(got["dx"]) if diagnose else None)
    expect_gradients(got, expected, numerical=numerical, call=call, inputs=inputs,
                     diagnose=lambda rows: diagnose(got["dx"]) if diagnose else None)


def expect_input_kept(learner, name, x):
    """Fail with ``input-mutated`` when the layer's forward writes into the array it is given (the caller,
    or the layer below, still needs it): checked on an array that lives in the learner's process."""
    live = learner.new(x.copy())
    getattr(learner.module("layers"), name)().forward(live)
    after = live.get()
    if not np.array_equal(after, x):
        raise CheckFailure(tr(f"{name}().forward(x) changed x", f"{name}().forward(x) が x を書き換えました"),
                           call=f"{name}().forward(x)", inputs={"x": x}, expected=x, got=after,
                           diagnosis="input-mutated")


def softmax_loss_gradient(learner, x, t):
    """(learner's dx from backward(), kit's central difference of the learner's loss) for one batch."""
    cls = learner.module("layers").SoftmaxWithLoss
    layer = cls()
    layer.forward.ref(x, t)
    return layer.backward(), central_difference(lambda v: remote_float(learner, cls().forward, v, t), x)


def softmax_loss_case(x, t):
    """The reference SoftmaxWithLoss on (x, t), then backward(): {"loss", "dx"}."""
    def compute(ref):
        layer = ref.module("layers").SoftmaxWithLoss()
        return {"loss": layer.forward(x.copy(), t.copy()), "dx": layer.backward()}
    return compute


def check_softmax_loss(learner, want, x, t, x2, t2):
    """SoftmaxWithLoss: loss against the reference (``want`` from :func:`softmax_loss_case`), backward()
    (dout=1) against both checks.

    A wrong gradient whose ratio to the right one is exactly N is checked again on a second batch size
    (x2, t2): only a ratio that follows N names the missing division.
    """
    cls = learner.module("layers").SoftmaxWithLoss
    call = "SoftmaxWithLoss().forward(x, t); backward()"
    inputs = {"x": x, "t": t}
    expect_close(remote_float(learner, cls().forward, x, t), want["loss"], call=call, inputs=inputs,
                 what="loss", rtol=LOSS_RTOL,
                 diagnose=lambda got: "missing-batch-division" if np.isclose(got, x.shape[0] * want["loss"]) else None)
    dx, numerical = softmax_loss_gradient(learner, x, t)

    def diagnose(rows):
        if not ratio_is(rows["dx"], x.shape[0]):
            return None
        dx2, num2 = softmax_loss_gradient(learner, x2, t2)
        ratio2 = np.vdot(dx2, num2) / np.vdot(num2, num2) if np.shape(dx2) == num2.shape else None
        return "missing-batch-division" if ratio2 is not None and np.isclose(ratio2, x2.shape[0]) else None

    expect_gradients({"dx": dx}, {"dx": numerical}, numerical={"dx": numerical}, call=call, inputs=inputs,
                     rtol=NUM_RTOL, atol=NUM_ATOL, against="numerical", diagnose=diagnose)
    expect_gradients({"dx": dx}, {"dx": want["dx"]}, numerical={"dx": numerical}, call=call, inputs=inputs,
                     diagnose=diagnose)


def write_params(net, params):
    """Write ``params`` into the learner's existing arrays (the layers share them), as an optimizer would."""
    arrays = net.ref.params
    for key, value in params.items():
        arrays.ref[key][()] = value


def sizes_of(params):
    """(input_size, hidden_size, output_size) of a TwoLayerNet's params."""
    return params["W1"].shape[0], params["W1"].shape[1], params["W2"].shape[1]


def reference_net(reference, params):
    """The reference TwoLayerNet holding ``params``."""
    net = reference.module("two_layer_net").TwoLayerNet(*sizes_of(params))
    for key, value in params.items():
        net.params[key][()] = value
    return net


def net_case(params, x, t):
    """The reference TwoLayerNet holding ``params`` on (x, t): {"loss", "gradient"}."""
    def compute(ref):
        net = reference_net(ref, params)
        return {"loss": net.loss(x.copy(), t.copy()), "gradient": net.gradient(x.copy(), t.copy())}
    return compute


# The learner's TwoLayerNet draws its initial weights from np.random: seeded, every run shows the same numbers
# (a net whose layers kept copies of those weights computes with them).
NET_SEED = 5


def new_net(learner, params):
    """A new learner TwoLayerNet sized like ``params``, its initial weights drawn after seeding np.random."""
    learner.module("numpy").random.seed(NET_SEED)
    return learner.module("two_layer_net").TwoLayerNet(*sizes_of(params))


def layers_copy_params(learner, params, x, t):
    """True when writing one of ``params`` into a new net's arrays leaves its loss exactly as it was: its
    layers compute with copies of that array. Decided from the learner's own net alone."""
    net = new_net(learner, params)
    before = remote_float(learner, net.loss, x, t)
    for key, value in params.items():
        net.ref.params.ref[key][()] = value
        after = remote_float(learner, net.loss, x, t)
        if after == before:
            return True
        before = after
    return False


def learner_net(learner, params, x, t, want_loss):
    """The learner's TwoLayerNet holding ``params``, after checking that its loss is ``want_loss`` (the
    reference's); when it is not, a net whose loss ignores a written array names ``layers-copy-params``."""
    net = new_net(learner, params)
    write_params(net, params)
    expected = want_loss
    got = remote_float(learner, net.loss, x, t)
    if not np.isclose(got, expected, rtol=LOSS_RTOL):
        copied = layers_copy_params(learner, params, x, t)
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
        # Only the biases 1/N: every gradient 1/N (or 1/C with C = N) is another mistake.
        if (ratio_is(rows["b1"], 1 / n) or ratio_is(rows["b2"], 1 / n)) and rows["W1"].ok and rows["W2"].ok:
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
