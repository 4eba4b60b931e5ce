"""The class report as one self-contained HTML file an instructor reads from the top.

Sections: the roster (each learner's total and exercises, linked to their feedback page), the score histogram
(the only image: integer ticks), public against hidden points per exercise, an exercise × check heat map of
pass rates (one small cell per check, its name in the tooltip, instead of a bar per check), the mistakes the
graders named, pairs of submissions flagged as unusually alike, and the slowest checks. Headings follow
``lang``. Tables and the heat map are plain HTML and CSS, so 100 learners stay far below 300 KB.
"""
from __future__ import annotations

import base64
import html
import io
import statistics
from urllib.parse import quote

from course.i18n import pick, tr
from course.mistakes import explain
from course.report.stats import ClassStats, ExerciseView

STYLE = ("body{font-family:sans-serif;max-width:70em;margin:auto;padding:0 1em}table{border-collapse:collapse;"
         "margin:.6em 0}td,th{border:1px solid #ccc;padding:.15em .45em;text-align:left}td.n{text-align:right}"
         ".heat td{border:0;padding:0}.heat span{display:inline-block;width:1.1em;height:1.1em;margin:1px;"
         "border-radius:2px}.heat span.h{outline:1px dashed #333;outline-offset:-2px}.warn{color:#b35900}"
         ".bar{display:inline-block;height:.7em;background:#4c72b0;margin-left:.3em}.dim{color:#777}"
         "td span[class^=q]{padding:0 .3em}")
# Slowest checks shown: enough to spot the expensive ones.
SLOWEST = 10
# Learners named per mistake and checks listed per mistake before "+N more" (the table stays readable).
NAMED = 12
# Colour steps of the roster's cells (tenths of the maximum), as CSS classes rather than a style per cell.
STEPS = 10
# Histogram bins: ten, of 10 % of the maximum each.
BINS = 10


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="histogram" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def histogram(scores: list[float], lang: str) -> str:
    """Score distribution (percent of the maximum) as an embedded PNG."""
    return _png(histogram_figure(scores, lang))


def histogram_figure(scores: list[float], lang: str):
    """The histogram's figure; learners are counted, so the y ticks are whole numbers."""
    import matplotlib
    matplotlib.use("Agg")          # no display on a grading server
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    font = _font_for(lang)
    if font is None:
        lang = "en"     # no font here draws Japanese: axis labels in English rather than empty boxes
    fig, ax = plt.subplots(figsize=(6, 2.4))
    ax.hist([100 * s for s in scores], bins=[i * 100 / BINS for i in range(BINS + 1)], color="#4c72b0",
            edgecolor="white")
    family = {"fontfamily": font} if font else {}
    ax.set_xlabel(pick(tr("score (% of maximum)", "得点 (満点に対する %)"), lang), **family)
    ax.set_ylabel(pick(tr("learners", "人数"), lang), **family)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


# Fonts that draw Japanese, on Linux (Noto, IPA, Takao), macOS (Hiragino) and Windows (Yu / MS Gothic).
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic", "Hiragino Sans",
             "Yu Gothic", "MS Gothic")


def _font_for(lang: str) -> str | None:
    """A font family that draws ``lang`` ("" when the default font does; None when no installed font does)."""
    if lang != "ja":
        return ""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _table(head: list[str], rows: list[list], raw: frozenset = frozenset()) -> str:
    """A table; columns whose index is in ``raw`` hold HTML already escaped."""
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" if i in raw else f"<td>{html.escape(str(v))}</td>"
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _colour(fraction: float | None) -> str:
    """Red (0) through yellow to green (1); grey when there is nothing to score."""
    return "#ddd" if fraction is None else f"hsl({round(120 * fraction)},65%,72%)"


def _steps_css() -> str:
    return "".join(f".q{i}{{background:{_colour(i / STEPS)}}}" for i in range(STEPS + 1)) + ".qn{background:#ddd}"


def _cell(score: float, max_score: float) -> str:
    step = f"q{round(STEPS * score / max_score)}" if max_score else "qn"
    return f'<span class="{step}">{score:g}/{max_score:g}</span>'


def roster(stats: ClassStats, lang: str, feedback: dict[str, str]) -> str:
    """Learner, total, each exercise and the link to the learner's feedback page."""
    ids = [v.id for v in stats.views]
    head = [pick(tr("learner", "学習者"), lang), pick(tr("total", "合計"), lang), "%"] + ids
    head += [pick(tr("feedback", "フィードバック"), lang)] if feedback else []
    rows = []
    for r in stats.results:
        by_id = {e.id: e for e in r.exercises}
        row = [html.escape(r.submission), _cell(r.score, r.max_score),
               f"{100 * r.score / r.max_score:.0f}" if r.max_score else "–"]
        row += [_cell(by_id[i].score, by_id[i].max_score) if i in by_id else "–" for i in ids]
        if feedback:
            link = feedback.get(r.submission)
            # The href is a URL: the page's file name is quoted again, or "%E5…" would be read as "山…".
            href = html.escape(quote(link))
            row.append(f'<a href="{href}">{pick(tr("page", "ページ"), lang)}</a>' if link else "")
        rows.append(row)
    return _table(head, rows, raw=frozenset(range(len(head))))


def _percent(fraction: float | None) -> str:
    if fraction is None:
        return "–"
    return f'{100 * fraction:.0f}%<span class="bar" style="width:{4 * fraction:.2f}em"></span>'


def public_hidden(stats: ClassStats, lang: str) -> str:
    """Per exercise: learners with everything passed, the class's share of public and of hidden points."""
    head = [pick(tr(*t), lang) for t in (("exercise", "演習"), ("all passed", "全合格"),
                                         ("public points", "公開チェックの得点"), ("hidden points", "非公開チェックの得点"),
                                         ("isolation", "隔離"))]
    passed = {r.key: r for r in stats.exercises}
    rows = [[v.id, f"{passed[v.id].passed}/{passed[v.id].total}", _percent(v.public.fraction),
             _percent(v.hidden.fraction), _isolation(v, lang)] for v in stats.views]
    return _table(head, rows, raw=frozenset({2, 3, 4}))


def _isolation(view: ExerciseView, lang: str) -> str:
    modes = ", ".join(sorted(view.isolation))
    weak = "process" in view.isolation
    note = pick(tr(" (no kernel sandbox)", " (サンドボックスなし)"), lang) if weak else ""
    return f'<span class="warn">{html.escape(modes + note)}</span>' if weak else html.escape(modes)


def heat_map(stats: ClassStats, lang: str) -> str:
    """One row per exercise, one cell per check (in order) coloured by its pass rate; hidden checks dashed."""
    rows = []
    for view in stats.views:
        cells = "".join(
            f'<span class="{"h" if view.visibility[r.key] == "hidden" else ""}" style="background:{_colour(r.rate)}"'
            f' title="{html.escape(r.key)}{" — " + html.escape(r.title) if r.title else ""}: {r.passed}/{r.total}'
            f' ({view.visibility[r.key]})"></span>' for r in view.checks)
        rows.append(f"<tr><td>{html.escape(view.id)}&nbsp;</td><td>{cells}</td></tr>")
    legend = pick(tr("Each square is a check, coloured by the share of learners who passed it (red 0 %, green "
                     "100 %); dashed: hidden checks. Hover for the check and its numbers.",
                     "各マスは 1 つのチェックで、合格した学習者の割合で色分けしています (赤 0 %、緑 100 %)。"
                     "破線は非公開チェック。マウスを重ねるとチェック名と人数が出ます。"), lang)
    return f'<table class="heat">{"".join(rows)}</table><p class="dim">{html.escape(legend)}</p>'


def mistakes(stats: ClassStats, lang: str) -> str:
    """The named mistakes, most learners first."""
    if not stats.mistakes:
        return f"<p>{pick(tr('No diagnosed mistakes.', '診断されたミスはありません。'), lang)}</p>"
    head = [pick(tr(*t), lang) for t in (("diagnosis", "診断"), ("meaning", "意味"), ("failed checks", "不合格チェック数"),
                                         ("learners", "人数"), ("who", "誰"), ("in", "チェック"))]
    return _table(head, [[m.code, explain(m.code, lang), m.count, len(m.learners), _few(m.learners, lang),
                          _few(m.checks, lang)] for m in stats.mistakes])


def _few(names, lang: str) -> str:
    """The first ``NAMED`` of ``names`` in order, and how many more."""
    names = sorted(names)
    more = len(names) - NAMED
    return ", ".join(names[:NAMED]) + (pick(tr(f" and {more} more", f" ほか {more}"), lang) if more > 0 else "")


def _h2(en: str, ja: str, lang: str) -> str:
    return f"<h2>{html.escape(pick(tr(en, ja), lang))}</h2>"


def render(stats: ClassStats, lang: str = "en", title: str = "Class report", *,
           feedback: dict[str, str] | None = None, similarity: str = "") -> str:
    """The whole report page. ``feedback`` maps learner ids to their pages' links; ``similarity`` is the
    HTML of the similarity section (:mod:`course.similarity.html`), if it was computed."""
    mean = 100 * statistics.fmean(stats.scores)
    median = 100 * statistics.median(stats.scores)
    summary = pick(tr(f"{stats.learners} learners · mean {mean:.1f}% · median {median:.1f}%",
                      f"学習者 {stats.learners} 人 · 平均 {mean:.1f}% · 中央値 {median:.1f}%"), lang)
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(summary)}</p>",
             _h2("Roster", "名簿", lang), roster(stats, lang, feedback or {}),
             _h2("Scores", "得点分布", lang), histogram(stats.scores, lang),
             _h2("Public and hidden checks", "公開チェックと非公開チェック", lang), public_hidden(stats, lang),
             _h2("Checks", "チェック別の合格率", lang), heat_map(stats, lang),
             _h2("Most frequent mistakes", "よくあるミス", lang), mistakes(stats, lang)]
    if similarity:
        parts += [_h2("Submissions unusually alike", "よく似た提出物", lang), similarity]
    parts += [_h2("Slowest checks", "時間のかかるチェック", lang),
              _table([pick(tr(*t), lang) for t in (("check", "チェック"), ("mean (s)", "平均 (秒)"),
                                                   ("worst (s)", "最長 (秒)"))],
                     [[t.key, f"{t.mean:.3f}", f"{t.worst:.3f}"] for t in stats.timings[:SLOWEST]])]
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}{_steps_css()}</style></head><body>{''.join(parts)}</body></html>\n")
