"""Exercise 6 helpers shared by the public and hidden checks (``from exercise6.helpers import ...``).

An optimizer is graded by the parameters' change after k steps (not its internal state), against the
reference run on the same gradients (the case ``right`` of :func:`steps_cases`). When the change is wrong,
what it matches names the mistake: a constant ratio to the right step (3.162 for Adam without bias
correction, −1 for a flipped momentum sign), NaN at the first Adam step (t used before the increment), ε
inside the square root, or the reference replayed with its state reset every call or shared by all keys
(cases ``reset`` and ``shared``). State shared by keys of different shapes makes the learner's own update
raise (broadcasting); the same optimizer on :data:`PROBE`, whose keys share one shape, then names it.
"""
import numpy as np

from course.checks import CheckFailure, tr
from course.checks.cases import MATCH_RTOL, matches, which_mistake
from course.checks.diagnose import replayed, shifted
from course.checks.gradients import expect_gradients
from course.sandbox.remote import LearnerError

EPS = 1e-7
# Adam without bias correction moves its first step by lr·(1 − β1)/√(1 − β2) = 0.1/√0.001 times the corrected
# one, up to ε's share in the denominator (about 1e-4 of it for the probe's gradients).
NO_BIAS_RTOL = 1e-3
STATEFUL = ("Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam")
TITLE = tr("wrong parameter changes", "パラメータの変化量が違います")


def learner_run(learner, name, kwargs, params0, grads_seq):
    """The learner's optimizer over ``grads_seq`` on a live copy of ``params0``: the params after each step.

    Also checks that every update happened in place: the dict keeps the same array objects, and those
    arrays changed.
    """
    opt = getattr(learner.module("optimizers"), name)(**kwargs)
    params = learner.new({k: v.copy() for k, v in params0.items()})
    arrays = {k: params.ref[k] for k in params0}
    states = []
    for grads in grads_seq:
        opt.update(params, grads)
        states.append(params.get())
    for key, array in arrays.items():
        same = params.ref[key].is_(array)
        if not same or np.array_equal(array.get(), params0[key]):
            raise CheckFailure(tr(f"{name}.update did not change params[{key!r}] in place",
                                  f"{name}.update が params[{key!r}] をその場で更新していません"),
                               call=f"{name}({_kw(kwargs)}).update(params, grads)",
                               got=tr("params[key] is now a different array" if not same else
                                      "the original array is unchanged",
                                      "params[key] が別の配列になりました" if not same else "元の配列が変わっていません"),
                               diagnosis="update-out-of-place" if not same else "update-discarded")
    return states


def _kw(kwargs):
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def problem(rng, shapes, grad_scale=1.0, steps=3):
    """Starting params and a gradient for each step (O(1) by default; 1e-4 shows where ε sits)."""
    params0 = {k: rng.standard_normal(s) for k, s in shapes.items()}
    grads = [{k: grad_scale * (rng.standard_normal(s) + np.sign(rng.standard_normal(s)))
              for k, s in shapes.items()} for _ in range(steps)]
    return params0, grads


# Two keys of one shape: an optimizer whose state is shared by all keys runs here and shows it.
PROBE = problem(np.random.default_rng(606), {"W1": (2, 2), "W2": (2, 2)})


def steps_cases(name, kwargs, params0, grads_seq, prefix=""):
    """The cases for grading optimizer ``name`` on one problem (names start with ``prefix``): the
    reference's params after each step, and, for a stateful optimizer over several steps, the replays of
    its state reset at every call and shared by all keys (on the problem itself when its keys share one
    shape, else on :data:`PROBE`)."""
    def replay(mode, problem_=(params0, grads_seq)):
        return lambda ref: reference_run(ref, name, kwargs, *problem_, mode)

    computes = {f"{prefix}right": replay("right")}
    if kwargs:
        computes[f"{prefix}defaults"] = lambda ref: reference_run(ref, name, {}, params0, grads_seq)
    if name == "Nesterov":
        computes[f"{prefix}as_momentum"] = lambda ref: reference_run(ref, "Momentum", kwargs, params0, grads_seq)
        computes[f"{prefix}velocity_first"] = lambda ref: reference_run(ref.with_mistake("nesterov-velocity-first"),
                                                                        name, kwargs, params0, grads_seq)
    if name in STATEFUL and len(grads_seq) > 1:
        computes[f"{prefix}reset"] = replay("reset")
        if len({v.shape for v in params0.values()}) == 1:
            computes[f"{prefix}shared"] = replay("shared")
        else:
            computes[f"{prefix}probe.shared"] = replay("shared", PROBE)
    return computes


def reference_run(reference, name, kwargs, params0, grads_seq, mode="right"):
    """The reference optimizer's params after each step; ``mode`` "reset" or "shared" re-creates a mistake."""
    cls = getattr(reference.module("optimizers"), name)
    params = {k: v.copy() for k, v in params0.items()}
    opt = cls(**kwargs)
    states = []
    for grads in grads_seq:
        if mode == "reset":
            opt = cls(**kwargs)
        if mode == "shared":
            for key in params:
                view = {"shared": params[key]}
                opt.update(view, {"shared": grads[key]})
        else:
            opt.update(params, grads)
        states.append({k: v.copy() for k, v in params.items()})
    return states


def eps_inside_first_step(name, kwargs, g):
    """The first step's change with ε inside the square root (AdaGrad, RMSprop, Adam), else None."""
    lr = kwargs.get("lr", {"Adam": 0.001}.get(name, 0.01))
    if name == "AdaGrad":
        return -lr * g / np.sqrt(g * g + EPS)
    if name == "RMSprop":
        rho = kwargs.get("decay_rate", 0.99)
        return -lr * g / np.sqrt((1 - rho) * g * g + EPS)
    if name == "Adam":
        b1, b2 = kwargs.get("beta1", 0.9), kwargs.get("beta2", 0.999)
        lr_t = lr * np.sqrt(1 - b2) / (1 - b1)
        return -lr_t * (1 - b1) * g / np.sqrt((1 - b2) * g * g + EPS)
    return None


def adam_v_not_squared_first_step(kwargs, g):
    """Adam's first step with v built from g instead of g²: NaN wherever g < 0 (the square root of a
    negative v)."""
    lr, b1, b2 = kwargs.get("lr", 0.001), kwargs.get("beta1", 0.9), kwargs.get("beta2", 0.999)
    lr_t = lr * np.sqrt(1 - b2) / (1 - b1)
    with np.errstate(invalid="ignore"):
        return -lr_t * (1 - b1) * g / (np.sqrt((1 - b2) * g) + EPS)


def diagnosis(expected, prefix, name, kwargs, params0, grads_seq, got_states):
    """The named mistake that explains the learner's parameters after each step, or None."""
    first = {k: got_states[0][k] - params0[k] for k in params0}
    right = expected[f"{prefix}right"]
    if name == "Adam" and any(not np.isfinite(v).all() for v in first.values()):
        # t used before its increment makes lr_t = 0/0: every entry is NaN. NaN only where g < 0 is v from g.
        if all(np.isnan(v).all() for v in first.values()):
            return "adam-t-before-increment"
        inside = {k: adam_v_not_squared_first_step(kwargs, grads_seq[0][k]) for k in params0}
        return replayed(first, {"adam-v-not-squared": inside})
    ratios = [np.vdot(first[k], right[0][k] - params0[k]) / np.vdot(right[0][k] - params0[k],
                                                                     right[0][k] - params0[k]) for k in first]
    if name == "Adam" and all(np.isclose(r, 0.1 / np.sqrt(0.001), rtol=NO_BIAS_RTOL) for r in ratios) and \
            kwargs.get("beta1", 0.9) == 0.9 and kwargs.get("beta2", 0.999) == 0.999:
        return "adam-no-bias-correction"
    if name in ("Momentum", "Nesterov") and all(np.isclose(r, -1.0, rtol=MATCH_RTOL) for r in ratios):
        return "momentum-sign"
    first_right = all(matches(first[k], right[0][k] - params0[k]) for k in first)
    inside = {k: eps_inside_first_step(name, kwargs, grads_seq[0][k]) for k in params0}
    if not first_right and all(v is not None and matches(first[k], v) for k, v in inside.items()):
        return "eps-inside-sqrt"
    variants = {code: expected[f"{prefix}{case}"] for code, case in
                (("optimizer-state-reset", "reset"), ("optimizer-state-shared", "shared"),
                 ("nesterov-is-momentum", "as_momentum"), ("nesterov-velocity-first", "velocity_first"),
                 ("hyperparameter-ignored", "defaults"))
                if f"{prefix}{case}" in expected}
    return which_mistake(got_states, variants) or shifted(got_states, right, params0)


def shared_state_failure(learner, expected, prefix, name, kwargs, error):
    """A CheckFailure naming optimizer-state-shared when the learner's update raised (state of one key's
    shape used for another) and, on :data:`PROBE`, moves like the reference with one state for all keys."""
    case = f"{prefix}probe.shared"
    if case not in expected or not error.is_a("ValueError"):
        return None
    try:
        got = learner_run(learner, name, kwargs, *PROBE)
    except (LearnerError, CheckFailure):
        return None
    if which_mistake(got, {"optimizer-state-shared": expected[case]}) is None:
        return None
    return CheckFailure(tr(f"{name}.update fails when the keys have different shapes: one state is shared by all "
                           f"keys", f"キーごとに形状が違うと {name}.update が失敗します: 状態が全キーで共有されています"),
                        call=f"{name}({_kw(kwargs)}).update(params, grads)", error=str(error).splitlines()[0],
                        diagnosis="optimizer-state-shared")


def check_steps(learner, expected, name, kwargs, params0, grads_seq, prefix=""):
    """Grade the parameters' change after every step against the reference (the cases of
    :func:`steps_cases` with ``prefix``), naming the mistake if known."""
    try:
        got = learner_run(learner, name, kwargs, params0, grads_seq)
    except LearnerError as exc:
        failure = shared_state_failure(learner, expected, prefix, name, kwargs, exc)
        if failure is None:
            raise
        raise failure from None
    want = expected[f"{prefix}right"]
    for step, (g, w) in enumerate(zip(got, want), start=1):
        expect_gradients({f"Δ{k}": g[k] - params0[k] for k in g}, {f"Δ{k}": w[k] - params0[k] for k in w},
                         call=f"{name}({_kw(kwargs)}).update(params, grads)  ×{step}", title=TITLE,
                         inputs=[(tr(f"grads[{k!r}] at step 1", f"ステップ 1 の grads[{k!r}]"), v)
                                 for k, v in grads_seq[0].items()],
                         diagnose=lambda rows: diagnosis(expected, prefix, name, kwargs, params0, grads_seq, got))

