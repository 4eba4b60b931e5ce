"""The class report on a generated class: planted mistakes must show up with their counts and learners."""
import base64
import json
import re

import pytest
from click.testing import CliRunner

pytest.importorskip("matplotlib")

from course import planted, registry  # noqa: E402
from course.cli import main  # noqa: E402
from course.grading.run import grade_submission  # noqa: E402
from course.report import stats  # noqa: E402


@pytest.fixture(scope="module")
def class_results(tmp_path_factory):
    """Four learners of exercise0: two correct, two with the same planted mistake."""
    mistake = next(m for m in planted.planted("exercise0") if m.code == "norm-over-whole-array")
    base = tmp_path_factory.mktemp("class")
    plan = {"ann": [], "ben": [mistake], "cho": [mistake], "dai": []}
    return [grade_submission(planted.make_submission(base / name, mistakes, exercises=["exercise0"]),
                             [registry.get("exercise0")], name=name) for name, mistakes in plan.items()]


def test_stats_count_mistakes_and_learners(class_results):
    s = stats.compute(class_results)
    assert s.learners == 4 and sorted(s.scores)[-1] == 1.0 and min(s.scores) < 1.0
    top = s.mistakes[0]
    assert top.code == "norm-over-whole-array" and top.learners == {"ben", "cho"}
    assert "exercise0/normalize_rows.unit" in top.checks
    unit = next(r for r in s.checks if r.key == "exercise0/normalize_rows.unit")
    assert (unit.passed, unit.total) == (2, 4)
    assert s.checks[0].rate <= s.checks[-1].rate                # hardest first
    assert [(r.key, r.passed, r.total) for r in s.exercises] == [("exercise0", 2, 4)]


def test_report_command_writes_html_with_embedded_plots(class_results, tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps([r.to_dict() for r in class_results]))
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(results), "-o", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "norm-over-whole-array" in run.output and "ben, cho" in run.output
    page = out.read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "norm-over-whole-array" in page and "ben, cho" in page and "Slowest checks" in page


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
