"""``course explain exercise5``: the computational graph of the learner's layers, with gradients at each node.

For each layer (or the whole TwoLayerNet) it runs the learner's forward and backward in the sandbox, computes
the kit's own float64 central difference of the learner's forward, and shows the chain input → operation →
output with the forward values and, at each node, the analytic gradient (the learner's backward) against the
numerical one at the worst entry. Failing layers are drawn by default; ``--png FILE`` also writes a picture.
Learner code runs only in the sandbox (:class:`~course.sandbox.remote.LearnerSession`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang
from course.i18n import pick, tr

LAYERS = ("Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "TwoLayerNet")


@click.command()
@click.argument("exercise")
@click.option("--path", "path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Your exercises/ folder (default: found from the current directory).")
@click.option("--layer", type=click.Choice(LAYERS), default=None,
              help="Explain only this layer (shown even when its gradients are right).")
@click.option("--all", "show_all", is_flag=True, help="Draw every layer, not only the failing ones.")
@click.option("--png", "picture", type=click.Path(dir_okay=False), default=None,
              help="Also draw the first graph shown to this file (.png, .svg or .pdf).")
@lang_option
def explain(exercise, path, layer, show_all, picture, lang):
    """Show the computational graph of EXERCISE's layers with analytic vs numerical gradients (exercise5).

    Exit status: 0 when every gradient shown matches the numerical one, 1 otherwise.
    """
    from course import paths
    from course.cli import usage
    from course.render import graph
    from course.sandbox.remote import LearnerSession

    lang = resolve_lang(lang)
    ex = usage.exercise(exercise, lang)
    if ex.id != "exercise5":
        raise click.UsageError(pick(tr(
            "course explain draws the layers of exercise5 (the graders of exercises 6 and 7 already show the "
            "per-parameter table: course check exercise6)",
            "course explain が描くのは exercise5 の層です (exercise6 と 7 の採点はパラメータごとの表をすでに"
            "表示します: course check exercise6)"), lang))
    if picture:
        from course import environment
        if not environment.has("matplotlib"):           # before any work: one line, not a traceback at the end
            raise click.ClickException(environment.missing("matplotlib", lang))
    folder = (paths.find_exercises_dir(path) if path else paths.find_learner_copy()) / ex.id
    if not folder.is_dir():
        raise usage.not_found(folder, lang)
    session = LearnerSession(folder, hidden=[*paths.kit_secrets(), folder.parent])
    all_ok, drawn = True, None
    try:
        for name in ([layer] if layer else LAYERS):
            title, nodes, problem = _explain_layer(session, name, lang)
            ok = problem is None and all(n.ok for n in nodes)
            all_ok &= ok
            click.echo(f"{'✓' if ok else '✗'} {name}" + (f": {problem}" if problem else ""))
            if nodes and (not ok or layer or show_all):
                click.echo(graph.text(title, nodes, lang))
                click.echo()
                if picture and drawn is None:
                    drawn = graph.picture(title, nodes, lang, Path(picture))
    finally:
        session.close()
    if picture:
        click.echo(pick(tr(f"picture written to {drawn}", f"図を {drawn} に書き出しました"), lang) if drawn else
                   pick(tr("no graph to draw (nothing failed; use --all or --layer)",
                           "描く図がありません (失敗なし。--all か --layer を使います)"), lang))
    sys.exit(0 if all_ok else 1)


def _explain_layer(session, name: str, lang: str):
    """(title, nodes, problem): the graph of one layer in ``lang``, or the reason it could not be run."""
    from course.sandbox.remote import LearnerCrash, LearnerError, LearnerTimeout

    try:
        title, nodes = BUILDERS[name](session)
        return pick(title, lang), nodes, None
    except LearnerError as exc:
        if exc.is_a("NotImplementedError"):
            return name, [], pick(tr("not implemented yet", "未実装です"), lang)
        frames = exc.info.get("frames") or []
        where = f" ({frames[-1][0]}:{frames[-1][1]})" if frames else ""
        return name, [], f"{exc.type}: {exc.info['message']}{where}"
    except (LearnerCrash, LearnerTimeout) as exc:
        return name, [], str(exc)
    except (TypeError, ValueError) as exc:
        return name, [], pick(tr(f"could not use what your code returned: {exc}",
                                 f"返り値を使えませんでした: {exc}"), lang)


def _rng(seed: int):
    import numpy as np
    return np.random.default_rng(seed)


def _row(name, got, numerical):
    from course.checks.gradients import NUM_ATOL, NUM_RTOL, compare_gradient
    return compare_gradient(name, got, numerical, numerical=numerical, rtol=NUM_RTOL, atol=NUM_ATOL)


def _activation(session, name: str, x, note: dict | None = None):
    import numpy as np

    from course.checks.gradients import layer_gradient
    from course.render.graph import Node

    cls = getattr(session.module("layers"), name)
    dout = _rng(1).standard_normal(x.shape)
    layer = cls()
    out = layer.forward(x)
    dx = layer.backward(dout.copy())
    numerical = layer_gradient(lambda v: cls().forward(v), x, dout)
    if name == "Relu":
        # A central difference across the kink gives dout/2; the contract fixes the gradient there at 0.
        numerical = np.where(x == 0, 0.0, numerical)
    note = note or tr("", "")
    return (tr(f"{name}: x → {name} → out  (backward with a random dout{note['en']})",
               f"{name}: x → {name} → out  (ランダムな dout で backward{note['ja']})"),
            [Node("x", x, [_row("dx", dx, numerical)]), Node(name), Node("out", out), Node("dout", dout)])


def _relu(session):
    import numpy as np
    return _activation(session, "Relu", np.array([[1.5, -0.5, 0.0], [0.8, 2.0, -3.0]]),
                       tr("; at x = 0 the expected gradient is 0, as for x < 0",
                          "。x = 0 での期待される勾配は x < 0 と同じく 0"))


def _sigmoid(session):
    return _activation(session, "Sigmoid", _rng(2).standard_normal((2, 3)))


def _affine(session):
    from course.checks.gradients import layer_gradient
    from course.render.graph import Node

    rng = _rng(3)
    x, W, b, dout = (rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2),
                     rng.standard_normal((3, 2)))
    Affine = session.module("layers").Affine
    layer = Affine(W, b)
    out = layer.forward(x)
    dx = layer.backward(dout.copy())
    numerical = {"dx": layer_gradient(lambda v: Affine(W, b).forward(v), x, dout),
                 "dW": layer_gradient(lambda v: Affine(v, b).forward(x), W, dout),
                 "db": layer_gradient(lambda v: Affine(W, v).forward(x), b, dout)}
    return (tr("Affine: x → x·W + b → out  (batch N = 3, backward with a random dout)",
               "Affine: x → x·W + b → out  (バッチ N = 3、ランダムな dout で backward)"),
            [Node("x", x, [_row("dx", dx, numerical["dx"])]),
             Node("Affine (W, b)", None, [_row("dW", layer.dW, numerical["dW"]), _row("db", layer.db, numerical["db"])]),
             Node("out", out), Node("dout", dout)])


def _softmax_with_loss(session):
    import numpy as np

    from course.checks.gradients import central_difference, remote_float
    from course.render.graph import Node

    x, t = _rng(4).standard_normal((3, 4)), np.array([0, 3, 1])
    cls = session.module("layers").SoftmaxWithLoss
    layer = cls()
    loss = remote_float(session, layer.forward, x, t)
    dx = layer.backward()
    numerical = central_difference(lambda v: remote_float(session, cls().forward, v, t), x)
    return (tr("SoftmaxWithLoss: x, t → softmax → cross-entropy → loss  (N = 3, backward(dout=1))",
               "SoftmaxWithLoss: x, t → softmax → 交差エントロピー → loss  (N = 3、backward(dout=1))"),
            [Node("x", x, [_row("dx", dx, numerical)]), Node("t (labels)", t), Node("softmax + CE"),
             Node("loss", loss)])


def _two_layer_net(session):
    import numpy as np

    from course.checks.gradients import central_difference, remote_float
    from course.render.graph import Node

    rng = _rng(5)
    params = {"W1": 0.5 * rng.standard_normal((4, 5)), "b1": 0.1 * rng.standard_normal(5),
              "W2": 0.5 * rng.standard_normal((5, 3)), "b2": 0.1 * rng.standard_normal(3)}
    x, t = rng.standard_normal((3, 4)), np.array([2, 0, 1])
    net = session.module("two_layer_net").TwoLayerNet(4, 5, 3)
    arrays = {k: net.ref.params.ref[k] for k in params}
    for k, v in params.items():
        arrays[k][()] = v
    grads = net.gradient(x, t)
    numerical = {}
    for k, v in params.items():
        def loss(p, target=arrays[k]):
            target[()] = p
            return remote_float(session, net.loss, x, t)
        numerical[k] = central_difference(loss, v)
        arrays[k][()] = v
    rows = {k: _row(k, grads.get(k) if isinstance(grads, dict) else None, numerical[k]) for k in params}
    # The activations between the layers, computed here from the parameters written into the net.
    a1 = x @ params["W1"] + params["b1"]
    a2 = np.maximum(a1, 0) @ params["W2"] + params["b2"]
    return (tr("TwoLayerNet: x → Affine1 → Relu → Affine2 → SoftmaxWithLoss  (N = 3; values between the layers "
               "computed by the kit from your params)",
               "TwoLayerNet: x → Affine1 → Relu → Affine2 → SoftmaxWithLoss  (N = 3。層の間の値は、あなたの "
               "params からキットが計算したもの)"),
            [Node("x", x), Node("Affine1 (W1, b1)", a1, [rows["W1"], rows["b1"]]),
             Node("Relu", np.maximum(a1, 0)), Node("Affine2 (W2, b2)", a2, [rows["W2"], rows["b2"]]),
             Node("SoftmaxWithLoss: loss", remote_float(session, net.loss, x, t))])


BUILDERS = {"Relu": _relu, "Sigmoid": _sigmoid, "Affine": _affine, "SoftmaxWithLoss": _softmax_with_loss,
            "TwoLayerNet": _two_layer_net}
