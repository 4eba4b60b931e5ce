"""演習 7: 自動微分を作る / Exercise 7: build your own automatic differentiation.

A ``Value`` is a scalar node of a computational graph. Each operation creates a new node that remembers
its inputs and how to pass its gradient back to them; ``backward()`` visits the nodes in reverse
topological order so that every node has received all of its gradient before passing it on.
"""
import math


def _as_value(x):
    """x itself when it is a Value, else a constant node holding x."""
    return x if isinstance(x, Value) else Value(x)


class Value:
    """スカラー値の計算グラフのノード。 / A scalar node of a computational graph."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def _node(self, data, children, op, local_grads):
        """A new node whose backward adds out.grad·∂out/∂child to each child (+= : a child may repeat)."""
        out = Value(data, children, op)

        def backward():
            for child, local in zip(children, local_grads):
                child.grad += local * out.grad
        out._backward = backward
        return out

    def __add__(self, other):
        """self + other"""
        other = _as_value(other)
        return self._node(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other):
        """self · other"""
        other = _as_value(other)
        return self._node(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent):
        """self ** exponent (a number)"""
        if not isinstance(exponent, (int, float)):
            raise TypeError("only a number is supported as the exponent")
        return self._node(self.data ** exponent, (self,), f"**{exponent}",
                          (exponent * self.data ** (exponent - 1),))

    def __sub__(self, other):
        """self − other"""
        other = _as_value(other)
        return self._node(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __truediv__(self, other):
        """self / other"""
        other = _as_value(other)
        return self._node(self.data / other.data, (self, other), "/",
                          (1.0 / other.data, -self.data / other.data ** 2))

    def __neg__(self):
        """−self"""
        return self * -1.0

    def __radd__(self, other):
        """other + self"""
        return _as_value(other) + self

    def __rsub__(self, other):
        """other − self"""
        return _as_value(other) - self

    def __rmul__(self, other):
        """other · self"""
        return _as_value(other) * self

    def __rtruediv__(self, other):
        """other / self"""
        return _as_value(other) / self

    def exp(self):
        """e ** self"""
        e = math.exp(self.data)
        return self._node(e, (self,), "exp", (e,))

    def log(self):
        """自然対数 / the natural logarithm of self"""
        return self._node(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def tanh(self):
        """tanh(self)"""
        t = math.tanh(self.data)
        return self._node(t, (self,), "tanh", (1.0 - t * t,))

    def relu(self):
        """max(0, self) (勾配は self > 0 のとき 1) / max(0, self); gradient 1 where self > 0"""
        return self._node(max(0.0, self.data), (self,), "relu", (1.0 if self.data > 0 else 0.0,))

    def backward(self):
        """このノードについての全ノードの勾配を計算する。 / Fill in every node's gradient of this node."""
        order = _topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def _topological_order(root):
    """Every node reachable from ``root``, each after all of its inputs (iterative: deep graphs are fine)."""
    order, seen, stack = [], {id(root)}, [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            order.append(node)
        elif id(child) not in seen:
            seen.add(id(child))
            stack.append((child, iter(child._prev)))
    return order
