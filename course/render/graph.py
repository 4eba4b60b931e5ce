"""Drawing a layer's or a net's computational graph with forward values and analytic vs numerical gradients.

The graph is a chain of :class:`Node` objects (input → operations → output); each node carries the
gradients that belong to it (dx at the input, dW and db at an Affine node) as
:class:`~course.checks.gradients.GradientRow` comparisons. ``text`` renders it for the terminal, ``picture``
writes it with matplotlib (PNG, SVG or PDF, from the file's suffix); matplotlib is imported only there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course.checks.compare import fmt
from course.checks.gradients import GradientRow
from course.i18n import pick, tr


@dataclass
class Node:
    """One node of the chain: its label, the forward value leaving it, and the gradients attached to it."""

    label: str
    value: object = None
    grads: list[GradientRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.grads)


def _grad_line(row: GradientRow, lang: str, limit: int = 70) -> str:
    """``dW ✓ analytic ≈ numerical`` or ``db ✗ analytic … vs numerical …`` with the worst entry."""
    if row.problem in ("type", "shape"):
        got = row.got_description if row.problem == "type" else f"{pick(tr('shape', '形状'), lang)} {row.got.shape}"
        return f"{row.name} ✗ {pick(tr('analytic', '解析的'), lang)}: {got}, " \
               f"{pick(tr('expected shape', '期待される形状'), lang)} {row.shape}"
    mark = "✓" if row.ok else "✗"
    at = "" if row.worst_index is None else f" @{list(row.worst_index)}"
    line = (f"{row.name} {mark} {pick(tr('analytic', '解析的'), lang)} {fmt(row.at(row.got), limit)} / "
            f"{pick(tr('numerical', '数値微分'), lang)} {fmt(row.at(row.numerical if row.numerical is not None else row.expected), limit)}"
            f"{at}, {pick(tr('rel err', '相対誤差'), lang)} {row.rel:.2g}")
    if not row.ok and row.ratio is not None:
        line += pick(tr(f"  (× {row.ratio:.4g})", f"  ({row.ratio:.4g} 倍)"), lang)
    return line


def _value_text(value, limit: int) -> str:
    if value is None:
        return ""
    shape = f" {np.shape(value)}" if np.ndim(value) else ""
    return f"{shape} = {fmt(value, limit)}"


def text(title: str, nodes: list[Node], lang: str, width: int = 100) -> str:
    """The chain top to bottom: each node with its forward value, then its gradients (✓/✗)."""
    lines = [title]
    for i, node in enumerate(nodes):
        mark = "✓" if node.ok else "✗"
        lines.append(f" {mark} [{node.label}]{_value_text(node.value, width - len(node.label) - 8)}")
        for row in node.grads:
            lines.append(f"     {_grad_line(row, lang, 24)}")
        if i < len(nodes) - 1:
            lines.extend(["     │", "     ▼"])
    return "\n".join(lines)


def picture(title: str, nodes: list[Node], lang: str, path: Path) -> Path:
    """Write the chain as boxes joined by arrows (red where a gradient is wrong) to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(nodes)
    fig, ax = plt.subplots(figsize=(max(4.0, 3.6 * n), 3.4))
    ax.set_axis_off()
    ax.set_xlim(0, 3.6 * n)
    ax.set_ylim(0, 3.4)
    for i, node in enumerate(nodes):
        x = 3.6 * i + 0.2
        colour = "#e8f5e9" if node.ok else "#ffebee"
        edge = "#2e7d32" if node.ok else "#c62828"
        ax.add_patch(plt.Rectangle((x, 0.3), 3.0, 2.6, facecolor=colour, edgecolor=edge, linewidth=1.5))
        body = [node.label, _value_text(node.value, 34).strip()] + [_grad_line(g, lang, 10) for g in node.grads]
        wrapped = "\n".join(_wrap(line, 36) for line in body if line)
        ax.text(x + 0.1, 2.8, wrapped, va="top", ha="left", fontsize=7, family="monospace")
        if i < n - 1:
            ax.annotate("", xy=(x + 3.55, 1.6), xytext=(x + 3.0, 1.6),
                        arrowprops={"arrowstyle": "->", "color": "#555555"})
    ax.set_title(title, fontsize=9)
    path = Path(path)
    fig.savefig(path, bbox_inches="tight", dpi=150)
    plt.close(fig)
    return path


def _wrap(line: str, width: int) -> str:
    return "\n".join(line[i:i + width] for i in range(0, len(line), width)) or line
