"""The class report as one self-contained HTML file (plots embedded as base64 PNG)."""
from __future__ import annotations

import base64
import html
import io
import statistics

from course.mistakes import explain
from course.report.stats import ClassStats, Rate


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _figure(height: float = 3.0):
    import matplotlib
    matplotlib.use("Agg")          # no display on a grading server
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7, height))


def histogram(scores: list[float]) -> str:
    """Score distribution (percent of the maximum)."""
    fig, ax = _figure()
    ax.hist([100 * s for s in scores], bins=[i * 10 for i in range(11)], color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score (% of maximum)")
    ax.set_ylabel("learners")
    return _png(fig)


def bars(rates: list[Rate], label: str) -> str:
    """Horizontal pass-rate bars."""
    fig, ax = _figure(max(2.0, 0.3 * len(rates) + 1))
    ax.barh([r.key for r in rates], [100 * r.rate for r in rates], color="#55a868")
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"{label} pass rate (%)")
    ax.invert_yaxis()
    return _png(fig)


def _table(head: list[str], rows: list[list]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def render(stats: ClassStats, lang: str = "en", title: str = "Class report") -> str:
    """The whole report page."""
    mean = 100 * statistics.fmean(stats.scores)
    median = 100 * statistics.median(stats.scores)
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>{stats.learners} learners · mean {mean:.1f}% · median {median:.1f}%</p>",
             "<h2>Scores</h2>", histogram(stats.scores),
             "<h2>Exercises</h2>", bars(stats.exercises, "exercise"),
             _table(["exercise", "passed", "learners", "rate"],
                    [[r.key, r.passed, r.total, f"{100 * r.rate:.0f}%"] for r in stats.exercises]),
             "<h2>Checks (hardest first)</h2>", bars(stats.checks, "check"),
             _table(["check", "title", "passed", "ran", "rate"],
                    [[r.key, r.title, r.passed, r.total, f"{100 * r.rate:.0f}%"] for r in stats.checks]),
             "<h2>Most frequent mistakes</h2>",
             _table(["diagnosis", "meaning", "failed checks", "learners", "who", "in"],
                    [[m.code, explain(m.code, lang), m.count, len(m.learners), ", ".join(sorted(m.learners)),
                      ", ".join(sorted(m.checks))] for m in stats.mistakes])
             if stats.mistakes else "<p>No diagnosed mistakes.</p>",
             "<h2>Slowest checks</h2>",
             _table(["check", "mean (s)", "worst (s)"],
                    [[t.key, f"{t.mean:.3f}", f"{t.worst:.3f}"] for t in stats.timings[:15]])]
    style = ("body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")
