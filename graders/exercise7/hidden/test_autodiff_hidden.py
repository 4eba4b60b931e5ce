"""Exercise 7 hidden checks: grad before and after backward, a deep chain, bigger random graphs."""
import numpy as np

from course.checks import CheckFailure, check, tr
from exercise7.helpers import Graph, check_graph, random_graph

RNG_SEED = 77
# Deep enough to need a correct order over many nodes, shallow enough for a recursive topological sort
# under Python's default recursion limit (1000): deeper chains are not graded (see the README).
CHAIN_DEPTH = 400


@check("value.grad_initial", 1, hidden=True, ja="Value: grad は 0.0 から始まり、出力の grad は 1",
       hint=tr("grad starts at 0.0; backward() sets the output's grad to 1.0 before going through the graph",
               "grad は 0.0 から始まり、backward() は最初に出力の grad を 1.0 にします"))
def test_grad_initial(learner):
    """grad is 0.0 until backward, which sets the output's grad to 1.0"""
    Value = learner.module("autodiff").Value
    a, b = Value(2.0), Value(-3.0)
    out = a * b + a
    before = [a.grad, b.grad, out.grad]
    out.backward()
    after = [out.grad, a.grad, b.grad]
    if before != [0.0, 0.0, 0.0] or after != [1.0, -2.0, 2.0]:
        raise CheckFailure(tr("wrong grad before or after backward", "backward の前後の grad が違います"),
                           call="a, b = Value(2.0), Value(-3.0); out = a * b + a; out.backward()",
                           expected=tr("before [0.0, 0.0, 0.0] (a, b, out); after [1.0, -2.0, 2.0] (out, a, b)",
                                       "前 [0.0, 0.0, 0.0] (a, b, out)、後 [1.0, -2.0, 2.0] (out, a, b)"),
                           got=tr(f"before {before}; after {after}", f"前 {before}、後 {after}"))


@check("value.deep_chain", 1, hidden=True, ja=f"Value: 深さ {CHAIN_DEPTH} の鎖",
       hint=tr("visit every node once in reverse topological order", "各ノードをトポロジカル順の逆に一度ずつ処理します"))
def test_deep_chain(learner):
    """A chain hundreds of operations deep, with a shortcut from the input to the end"""
    g = Graph([0.3])
    node = 0
    for i in range(CHAIN_DEPTH):
        node = g.add("tanh", g.add("+", g.add("*", node, 1.2), 0.05)) if i % 3 == 0 else g.add("*", node, 1.001)
    g.add("+", node, 0)
    check_graph(learner, g, read=[0, len(g.values) - 1])


@check("value.random_graphs_large", 2, hidden=True, ja="Value: 大きめのランダムなグラフ",
       hint=tr("check each operation's local derivative and that gradients accumulate with +=",
               "各演算の局所的な微分と、勾配を += で足し合わせていることを確認します"))
def test_random_graphs_large(learner):
    """Bigger random expressions with more reuse give the oracle's values and gradients"""
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(6):
        check_graph(learner, random_graph(rng, n_leaves=3, n_steps=40))
