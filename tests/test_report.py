"""The class report and the feedback pages on a graded class: what an instructor reads, in both languages."""
import base64
import json
import re

import pytest
from click.testing import CliRunner

pytest.importorskip("matplotlib")

from course import planted, registry  # noqa: E402
from course.cli import main  # noqa: E402
from course.grading.run import grade_submission  # noqa: E402
from course.report import html, stats  # noqa: E402
from course.result import SubmissionResult  # noqa: E402

# The bound for a class of 100 learners.
MAX_REPORT_BYTES = 300 * 1024


@pytest.fixture(scope="module")
def class_results(tmp_path_factory):
    """Four learners of exercise0: two correct, two with the same planted mistake (one also a hidden one)."""
    by_code = {m.code: m for m in planted.planted("exercise0")}
    mistake, hidden = by_code["norm-over-whole-array"], by_code["input-mutated"]     # a public, a hidden check
    base = tmp_path_factory.mktemp("class")
    plan = {"ann": [], "ben": [mistake, hidden], "cho": [mistake], "dai": []}
    return [grade_submission(planted.make_submission(base / name, mistakes, exercises=["exercise0"]),
                             [registry.get("exercise0")], name=name) for name, mistakes in plan.items()]


def _write(tmp_path, results):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([r.to_dict() for r in results]))
    return path


def test_stats_count_mistakes_learners_and_split_public_from_hidden(class_results):
    s = stats.compute(class_results)
    assert s.learners == 4 and sorted(s.scores)[-1] == 1.0 and min(s.scores) < 1.0
    top = s.mistakes[0]
    assert top.code == "norm-over-whole-array" and top.learners == {"ben", "cho"}
    assert "exercise0/normalize_rows.unit" in top.checks
    unit = next(r for r in s.checks if r.key == "exercise0/normalize_rows.unit")
    assert (unit.passed, unit.total) == (2, 4)
    assert [(r.key, r.passed, r.total) for r in s.exercises] == [("exercise0", 2, 4)]
    view = s.views[0]
    checks = [c for c in class_results[0].exercises[0].checks if c.status != "skipped"]
    assert [r.key.split("/")[1] for r in view.checks] == [c.id for c in checks]      # grader order
    hidden_max = sum(c.max_score for c in checks if c.visibility == "hidden")
    assert view.hidden.max_score == 4 * hidden_max and view.public.max_score > 0
    assert [r.submission for r in s.results] == ["ann", "ben", "cho", "dai"]


def test_report_has_a_roster_linked_to_feedback_pages_a_heat_map_and_one_image(class_results, tmp_path):
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(_write(tmp_path, class_results)), "-o", str(out),
                                    "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "norm-over-whole-array" in run.output and "4 feedback page(s)" in run.output
    page = out.read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 1 and base64.b64decode(images[0]).startswith(b"\x89PNG")
    for learner in ("ann", "ben", "cho", "dai"):        # full marks too: everyone is on the roster
        assert f'<a href="feedback/{learner}.html">' in page and (tmp_path / "feedback" / f"{learner}.html").is_file()
    n_checks = sum(c.status != "skipped" for c in class_results[0].exercises[0].checks)
    heat = page[page.index('<table class="heat">'):]
    assert heat[:heat.index("</table>")].count("<span ") == n_checks
    for heading in ("Roster", "Public and hidden checks", "Checks", "Most frequent mistakes",
                    "Submissions unusually alike", "Slowest checks"):
        assert f"<h2>{heading}</h2>" in page
    assert "ben, cho" in page


def test_report_headings_follow_the_language(class_results, tmp_path):
    out = tmp_path / "ja.html"
    run = CliRunner().invoke(main, ["report", str(_write(tmp_path, class_results)), "-o", str(out),
                                    "--lang", "ja", "--no-feedback"])
    assert run.exit_code == 0, run.output
    page = out.read_text()
    assert '<html lang="ja">' in page and "<h2>名簿</h2>" in page and "<h2>よくあるミス</h2>" in page
    assert "<title>クラスの成績</title>" in page and "Roster" not in page and 'href="feedback/' not in page


def test_histogram_ticks_are_whole_learners(class_results):
    fig = html.histogram_figure(stats.compute(class_results).scores, "en")
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)


def _synthetic_class(n_learners: int) -> list[SubmissionResult]:
    """A full-size class: ten exercises of 12 checks, a third of them hidden, with varied mistakes."""
    import random

    from course.mistakes import catalogue
    from course.result import CheckResult, ExerciseResult
    rng = random.Random(0)
    codes = sorted(catalogue())[:30]
    results = []
    for n in range(n_learners):
        exercises = []
        for e in range(10):
            checks = []
            for c in range(12):
                failed = rng.random() < 0.25
                checks.append(CheckResult(f"check{c}.case", "failed" if failed else "passed", 0.0 if failed else 1.0,
                                          1.0, "hidden" if c % 3 == 2 else "public",
                                          rng.choice(codes) if failed else None,
                                          "wrong values\nexpected [1., 2.]\ngot [2., 4.]" if failed else "",
                                          title=f"check {c} of exercise {e}", duration=rng.random()))
            exercises.append(ExerciseResult(f"exercise{e}", checks, isolation="namespaces"))
        results.append(SubmissionResult(f"learner{n:03d}", exercises))
    return results


def test_a_class_of_100_stays_under_300_kb(tmp_path):
    learners = _synthetic_class(100)
    out = tmp_path / "big.html"
    run = CliRunner().invoke(main, ["report", str(_write(tmp_path, learners)), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert 50 * 1024 < out.stat().st_size <= MAX_REPORT_BYTES
    assert out.read_text().count('href="feedback/learner') == 100


def test_report_rejects_other_json_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "results"}')
    out = tmp_path / "r.html"
    run = CliRunner().invoke(main, ["report", str(bad), "-o", str(out)])
    assert run.exit_code == 1 and "not the JSON written by `course grade --json`" in run.output
    assert not out.exists()
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    run = CliRunner().invoke(main, ["report", str(empty), "-o", str(out)])
    assert run.exit_code == 1 and "no results" in run.output


def test_feedback_pages_show_public_messages_and_hide_hidden_inputs(class_results, tmp_path):
    ben: SubmissionResult = class_results[1]
    hidden = [c for c in ben.exercises[0].checks if c.visibility == "hidden" and c.status == "failed"]
    public = [c for c in ben.exercises[0].checks if c.visibility == "public" and c.status == "failed"]
    assert hidden and public
    run = CliRunner().invoke(main, ["feedback", str(_write(tmp_path, class_results)), "-o", str(tmp_path / "fb"),
                                    "--lang", "ja"])
    assert run.exit_code == 0 and "4 feedback page(s)" in run.output
    page = (tmp_path / "fb" / "ben.html").read_text()
    assert '<html lang="ja">' in page and "ben さんへのフィードバック" in page
    first_public = public[0].texts["ja"]["message"].splitlines()[0] if public[0].texts else public[0].message
    assert __import__("html").escape(first_public.strip()) in page
    for check in hidden:
        assert check.id in page and "非公開チェック · 不合格" in page and check.diagnosis in page
        for text in filter(None, [check.message, *(t.get("message", "") for t in (check.texts or {}).values())]):
            assert __import__("html").escape(text.strip().splitlines()[0]) not in page


def test_what_learner_code_printed_is_shown_as_text_never_as_html(tmp_path):
    """Messages carry what learner code printed or returned: a page must not run it in the instructor's browser."""
    from course.feedback.page import render_page
    from course.result import CheckResult, ExerciseResult
    evil = "<script>alert(1)</script>"
    result = SubmissionResult(f"eve{evil}", [ExerciseResult("exercise0", [
        CheckResult("sign.basic", "failed", 0.0, 1.0, "public", None, f"got {evil}", title=evil, hint=evil)],
        isolation="process")])
    for page in (render_page(result, "en"), html.render(stats.compute([result]), "en", evil)):
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_plain_process_isolation_is_marked_in_the_report(class_results):
    weak = [SubmissionResult(r.submission, [e.__class__(e.id, e.checks, e.hidden_not_run, "process", e.duration)
                                            for e in r.exercises]) for r in class_results]
    page = html.render(stats.compute(weak), "en")
    assert '<span class="warn">process (no kernel sandbox)</span>' in page
    assert "(no kernel sandbox)" not in html.render(stats.compute(class_results), "en")


def test_feedback_links_work_for_learner_ids_in_japanese(class_results, tmp_path):
    from urllib.parse import unquote
    renamed = [SubmissionResult(name, r.exercises) for name, r in zip(["山田", "a b", "c%d", "dai"], class_results)]
    out = tmp_path / "r.html"
    run = CliRunner().invoke(main, ["report", str(_write(tmp_path, renamed)), "-o", str(out)])
    assert run.exit_code == 0, run.output
    hrefs = re.findall(r'<a href="([^"]+)">', out.read_text())
    assert len(hrefs) == 4 and all((tmp_path / unquote(h)).is_file() for h in hrefs)
