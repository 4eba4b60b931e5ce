"""Exercise 7 helpers (``from exercise7.helpers import ...``): expression graphs built both through the
learner's ``Value`` and by a float64 oracle.

A graph is a list of steps over numbered nodes. The learner's graph is built through the sandbox proxies
(operators on proxies are forwarded: ``a * b``, ``2 + a``, ``a ** 2``, ``a.exp()``); the oracle computes the
same values and, visiting the nodes in reverse creation order (always a topological order), the gradients.
No torch here: importing it would cost seconds per submission.
"""
import math

import numpy as np

from course.checks.gradients import expect_gradients

# Same formulas as a straightforward Value, so + - * values agree exactly; the rest within 1e-9.
RTOL, ATOL = 1e-9, 1e-12

BINARY = {"+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
          "-": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
          "*": (lambda a, b: a * b, lambda a, b: (b, a)),
          "/": (lambda a, b: a / b, lambda a, b: (1.0 / b, -a / b ** 2))}
UNARY = {"exp": (math.exp, math.exp), "log": (math.log, lambda a: 1.0 / a),
         "tanh": (math.tanh, lambda a: 1.0 - math.tanh(a) ** 2),
         "relu": (lambda a: max(0.0, a), lambda a: 1.0 if a > 0 else 0.0)}


class Graph:
    """Leaves and steps of one expression; ``steps`` items are (op, operand, operand) with an operand being
    a node index (int) or a constant (float)."""

    def __init__(self, leaves):
        self.leaves = [float(v) for v in leaves]
        self.steps = []
        self.values = list(self.leaves)

    def add(self, op, a, b=None):
        """Append a step and return the new node's index."""
        self.steps.append((op, a, b))
        self.values.append(self._apply(op, self._val(a), self._val(b)))
        return len(self.values) - 1

    def _val(self, x):
        return self.values[x] if isinstance(x, int) else x

    @staticmethod
    def _apply(op, a, b):
        if op in BINARY:
            return BINARY[op][0](a, b)
        if op == "**":
            return a ** b
        return UNARY[op][0](a)

    def gradients(self, out=None):
        """d(node out)/d(each node) by reverse-mode accumulation in creation order."""
        out = len(self.values) - 1 if out is None else out
        grad = [0.0] * len(self.values)
        grad[out] = 1.0
        n = len(self.leaves)
        for i in range(out, n - 1, -1):
            op, a, b = self.steps[i - n]
            va, vb = self._val(a), self._val(b)
            if op in BINARY:
                locals_ = BINARY[op][1](va, vb)
            elif op == "**":
                locals_ = (b * va ** (b - 1), 0.0)
            else:
                locals_ = (UNARY[op][1](va), 0.0)
            for operand, local in zip((a, b), locals_):
                if isinstance(operand, int):
                    grad[operand] += local * grad[i]
        return grad

    def text(self, limit=12):
        """The first steps as code, for messages."""
        def name(x):
            return f"v{x}" if isinstance(x, int) else repr(x)
        lines = [f"v{i} = Value({v!r})" for i, v in enumerate(self.leaves)]
        n = len(self.leaves)
        for i, (op, a, b) in enumerate(self.steps):
            expr = f"{name(a)}.{op}()" if op in UNARY else f"{name(a)} {op} {name(b)}"
            lines.append(f"v{i + n} = {expr}")
        return "; ".join(lines[:limit]) + (f"; … ({len(lines)} nodes)" if len(lines) > limit else "")


def build(learner, graph):
    """The learner's nodes for ``graph`` (proxies), built with the same operators."""
    Value = learner.module("autodiff").Value
    nodes = [Value(v) for v in graph.leaves]

    def operand(x):
        return nodes[x] if isinstance(x, int) else x
    for op, a, b in graph.steps:
        a, b = operand(a), operand(b)
        if op in UNARY:
            nodes.append(getattr(a, op)())
        elif op == "+":
            nodes.append(a + b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "/":
            nodes.append(a / b)
        else:
            nodes.append(a ** b)
    return nodes


def check_graph(learner, graph, *, read=None, diagnose=None):
    """Build ``graph`` with the learner's Value, run backward from the last node, compare data and grad.

    ``read`` limits which nodes are read back (all by default); the comparison is a norm ratio with an atol
    scaled to the largest value, so near-zero gradients never dominate. A failure is diagnosed by
    ``diagnose(rows)``, by default :func:`probe_diagnosis` of the operations ``graph`` uses.
    """
    diagnose = diagnose or (lambda rows: probe_diagnosis(learner, graph))
    nodes = build(learner, graph)
    nodes[-1].backward()
    read = range(len(nodes)) if read is None else read
    got = {"data": np.array([nodes[i].data for i in read], dtype=object),
           "grad": np.array([nodes[i].grad for i in read], dtype=object)}
    got = {k: _numbers(v) for k, v in got.items()}
    grads = graph.gradients()
    expected = {"data": np.array([graph.values[i] for i in read]), "grad": np.array([grads[i] for i in read])}
    expect_gradients(got, expected, call=graph.text(), rtol=RTOL, atol=ATOL, diagnose=diagnose,
                     title={"en": "wrong values or gradients (index = node number)",
                            "ja": "値か勾配が違います (位置 = ノード番号)"})


def _numbers(values):
    """Floats as an array; anything else stays as it is (the comparison reports its type)."""
    try:
        return np.array([float(v) for v in values])
    except (TypeError, ValueError):
        return values


# One operation at a time: (op, left, right) with a number on the left for a reflected operator.
PROBES = (("+", 1.5, -0.5), ("-", 1.5, -0.5), ("*", 1.5, -0.5), ("/", 1.5, -0.5), ("**", 1.5, 3.0),
          ("exp", 0.3, None), ("log", 2.5, None), ("tanh", -0.4, None), ("relu", 1.2, None), ("relu", -1.2, None),
          ("+", 2.0, "v"), ("-", 2.0, "v"), ("*", 2.0, "v"), ("/", 2.0, "v"))


def probe_diagnosis(learner, graph=None):
    """The mistake the learner's Value shows on tiny graphs, each probe confirming one signature, or None.
    With ``graph``, only the operations it uses are probed: a wrong operation the failing expression does not
    contain is true of the code but not why this check failed, and naming it would hide the cause.

    In order: the output's gradient never set to 1 (every gradient 0); one operation's value or local
    gradient wrong (each operation alone, so nothing else can spoil it); ``a * a``, which only overwriting
    (=) instead of accumulating (+=) gets wrong, and then exactly as ``a.grad = a``; ``b = 2x; c = 3b;
    d = b + c``, where an order that is not topological lets b pass its gradient on before c's share
    arrived (x.grad 2) or before any arrived (x.grad 0); both operand orders are tried, since a learner may
    keep children in a set.
    """
    Value = learner.module("autodiff").Value
    a = Value(1.5)
    out = a * 2.0
    out.backward()
    if out.grad == 0.0 and a.grad == 0.0:
        return "grad-not-seeded"
    for op, left, right in PROBES:
        if graph is not None and not _uses(graph, op, reflected=right == "v"):
            continue
        found = _operation_finding(Value, op, left, right)
        if found is not None:
            return found
    a = Value(1.5)
    (a * a).backward()
    if not math.isclose(a.grad, 3.0, rel_tol=1e-12):
        return "grad-overwritten" if math.isclose(a.grad, 1.5, rel_tol=1e-12) else None
    for swap in (False, True):
        x = Value(0.7)
        b = x * 2.0
        c = b * 3.0
        (c + b if swap else b + c).backward()
        if not math.isclose(x.grad, 8.0, rel_tol=1e-12):
            return "backward-not-topological" if x.grad in (2.0, 0.0) else None
    return None


def _uses(graph, op, *, reflected: bool) -> bool:
    """True when ``graph`` has a step ``op`` with a constant on the left (``reflected``: ``2.0 - v``), or with
    a node there (``v - 2.0``, ``v - w``, a function of v)."""
    return any(step_op == op and isinstance(a, float) == reflected for step_op, a, _ in graph.steps)


def _operation_finding(Value, op, left, right):
    """A finding when the learner's single operation gives a wrong value or local gradient, else None."""
    from course.checks.diagnose import Finding
    from course.i18n import tr

    reflected = right == "v"
    g = Graph([1.25] if reflected else ([left] if right is None or op == "**" else [left, right]))
    if reflected:
        g.add(op, left, 0)
    else:
        g.add(op, 0, right if op == "**" else (None if right is None else 1))
    nodes = build(learner_free_value(Value), g)
    nodes[-1].backward()
    text = g.text()
    want = g.values[-1]
    if not math.isclose(float(nodes[-1].data), want, rel_tol=1e-9, abs_tol=1e-12):
        return Finding("op-value", tr(f"{text}: the value is {float(nodes[-1].data):.6g}, expected {want:.6g}",
                                      f"{text}: 値が {float(nodes[-1].data):.6g} です (期待値 {want:.6g})"))
    grads = g.gradients()
    for i in range(len(g.leaves)):
        if not math.isclose(float(nodes[i].grad), grads[i], rel_tol=1e-9, abs_tol=1e-12):
            return Finding("op-local-gradient", tr(
                f"{text}: v{i}.grad is {float(nodes[i].grad):.6g}, expected {grads[i]:.6g}",
                f"{text}: v{i}.grad が {float(nodes[i].grad):.6g} です (期待値 {grads[i]:.6g})"))
    return None


def learner_free_value(Value):
    """A stand-in for ``learner`` in :func:`build` that builds with the given ``Value``."""
    module = type("Module", (), {"Value": Value})
    return type("Learner", (), {"module": staticmethod(lambda name: module)})


def random_graph(rng, n_leaves=4, n_steps=20, consts=True):
    """A random expression with reused nodes, reflected constants, pow, exp/log/tanh/relu, kept finite."""
    g = Graph(rng.uniform(-2, 2, n_leaves).round(3))
    for _ in range(n_steps):
        count = len(g.values)
        # Prefer recent nodes (long paths) but reuse older ones too (diamonds).
        a = int(count - 1 - min(rng.geometric(0.4) - 1, count - 1))
        b = int(rng.integers(0, count))
        va, vb = g.values[a], g.values[b]
        kind = rng.choice(["+", "-", "*", "/", "**", "exp", "log", "tanh", "relu", "const"])
        if kind == "const" and consts:
            c = float(rng.choice([-1.5, 0.5, 2.0, 3.0]))
            op = str(rng.choice(["+", "-", "*", "/"]))
            if op == "/" and abs(va) < 0.3:
                op = "*"
            g.add(op, c, a) if rng.random() < 0.5 else g.add(op, a, c)
        elif kind == "/" and abs(vb) > 0.3:
            g.add("/", a, b)
        elif kind == "**":
            g.add("**", a, 2.0 if abs(va) < 0.5 or abs(va) > 3 else float(rng.choice([2, 3, -1])))
        elif kind == "exp" and va < 3:
            g.add("exp", a)
        elif kind == "log" and va > 0.2:
            g.add("log", a)
        elif kind == "tanh" or (kind == "relu" and (va > 0.05 or (va < -0.05 and rng.random() < 0.3))):
            g.add(str(kind), a)
        elif abs(g.values[-1]) < 50 and abs(vb) < 50:
            g.add(str(rng.choice(["+", "-", "*"])), a, b)
        else:
            g.add("tanh", a)
    # The output sums every node nothing else uses, so every node reaches it.
    used = {x for _, a, b in g.steps for x in (a, b) if isinstance(x, int)}
    sinks = [i for i in range(len(g.values)) if i not in used]
    out = sinks[0]
    for i in sinks[1:]:
        out = g.add("+", out, i)
    return g

