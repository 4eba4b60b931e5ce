"""Exercise 7 public checks: Value's operations, gradients through reused nodes and diamonds, random graphs.

Values and gradients are compared with the kit's float64 oracle (rtol 1e-9)."""
import numpy as np

from course.checks import check, tr
from exercise7.helpers import Graph, check_graph, random_graph

RNG_SEED = 7


@check("value.operations", 1, ja="Value: 演算と値",
       hint=[tr("Every operation makes a new Value and remembers how to pass a gradient back to its inputs.",
                "どの演算も新しい Value を作り、入力へ勾配を戻す方法を覚えます。"),
             tr("Each result stores its inputs in _children and its operator in _op, and its _backward adds "
                "out.grad × local derivative to each input (e.g. for a·b: b to a.grad, a to b.grad).",
                "結果は入力を _children に、演算子を _op に持ち、_backward で各入力に out.grad × 局所微分を足します (a·b なら a.grad に b、b.grad に "
                "a)。"),
             tr("each operation returns a new Value holding the result in .data; numbers on either side work "
                "(define __radd__, __rsub__, __rmul__, __rtruediv__)",
                "各演算は結果を .data に持つ新しい Value を返します。数値が左右どちらにあっても動くように __radd__ などの反射演算子も定義します")])
def test_operations(learner):
    """Every operation of Value gives the right data and local gradient"""
    for op, a, b in (("+", 1.5, -0.5), ("-", 1.5, -0.5), ("*", 1.5, -0.5), ("/", 1.5, -0.5), ("**", 1.5, 3.0),
                     ("exp", 0.3, None), ("log", 2.5, None), ("tanh", -0.4, None), ("relu", 1.2, None),
                     ("relu", -1.2, None)):
        g = Graph([a] if b is None or op == "**" else [a, b])
        g.add(op, 0, b if op == "**" else (None if b is None else 1))
        check_graph(learner, g)
    for op, const in (("+", 2.0), ("-", 2.0), ("*", 2.0), ("/", 2.0)):
        g = Graph([0.8])
        g.add(op, const, 0)      # reflected: const op Value
        check_graph(learner, g)


@check("value.grad_accumulates", 1, ja="Value: 2 回使われたノードの勾配を足し合わせる",
       hint=[tr("In a * a, the same node is both inputs: how many contributions should its gradient get?",
                "a * a では同じノードが両方の入力です。その勾配は何回分を受け取るべきですか?"),
             tr("The chain rule sums over every path: gradients add up, so a node used twice gets both "
                "contributions (d(a·a)/da = 2a).",
                "連鎖律はすべての経路の和です。勾配は足し合わされるので、2 回使われたノードは両方の寄与を受け取ります (d(a·a)/da = 2a)。"),
             tr("in every _backward use +=, never =: a node used twice receives two contributions",
                "_backward では = ではなく += を使います。2 回使われたノードには 2 つの寄与が届きます")])
def test_reused_node(learner):
    """A node used twice (a * a, a + a, and across operations) gets the sum of both contributions"""
    g = Graph([1.5, -0.5])
    sq = g.add("*", 0, 0)
    twice = g.add("+", 1, 1)
    g.add("+", g.add("*", sq, 1), twice)
    check_graph(learner, g)


@check("value.diamond", 1, ja="Value: ひし形のグラフ (トポロジカル順)",
       hint=[tr("A node may pass its gradient on only after it has received all of it.",
                "ノードは、勾配をすべて受け取ってから先へ渡さなければなりません。"),
             tr("Order the graph topologically (every node after its children), set the output's grad to 1, and "
                "call _backward in the reverse of that order.",
                "グラフをトポロジカル順 (子の後に親) に並べ、出力の grad を 1 にして、その逆順に _backward を呼びます。"),
             tr("build a topological order of the graph (children before parents) and call _backward in its "
                "reverse: every node must have its full gradient before passing it on",
                "グラフのトポロジカル順 (子が親より先) を作り、その逆順で _backward を呼びます。各ノードは勾配がすべて揃ってから次へ伝えます")])
def test_diamond(learner):
    """A node feeding two paths of different lengths gets both contributions (topological order)"""
    g = Graph([0.7])
    b = g.add("*", 0, 2.0)
    c = g.add("*", b, 3.0)
    d = g.add("tanh", c)
    g.add("+", b, d)
    check_graph(learner, g)


@check("value.random_graphs", 2, ja="Value: ランダムな式のグラフ",
       hint=[tr("Find the smallest failing expression and compute its gradient by hand.",
                "失敗する一番小さな式を見つけ、その勾配を手で計算します。"),
             tr("Check each local derivative: (xⁿ)' = n·xⁿ⁻¹, (eˣ)' = eˣ, (log x)' = 1/x, (tanh x)' = 1 − tanh²x, "
                "relu' = 1 for x > 0.",
                "各演算の局所微分を確かめます: (xⁿ)' = n·xⁿ⁻¹、(eˣ)' = eˣ、(log x)' = 1/x、(tanh x)' = 1 − tanh²x、relu' = 1 (x > "
                "0)。"),
             tr("compare with a hand calculation on the failing node; check the local derivative of each "
                "operation",
                "失敗したノードを手計算と比べ、各演算の局所的な微分を確認します")])
def test_random_graphs(learner):
    """Random expressions (reused nodes, constants, pow, exp/log/tanh/relu) give the oracle's values and gradients"""
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(5):
        check_graph(learner, random_graph(rng))
