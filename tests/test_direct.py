"""The learner's public checks run without pytest (course.grading.direct) and give exactly what pytest gives:
the same checks in the same order, the same status, points, diagnosis, message and hint, on the solution, the
untouched stubs and every planted mistake; a grader that breaks is an error under both, never a pass. (That a
cold `course check` never imports pytest is tests/test_check_speed.py's.)"""
from __future__ import annotations

import importlib.util
import shutil
import textwrap
from dataclasses import asdict

import pytest

from course import paths, planted as planting, registry
from course.checks.collect import collect
from course.grading import direct, plugin
from course.grading.reference import ReferenceSession
from course.grading.run import grade_exercise
from course.grading.verdicts import Verdicts
from course.sandbox.launch import Limits

HAVE_TORCH = importlib.util.find_spec("torch") is not None
DIRECT = [ex for ex in registry.exercises() if paths.graders_dir(ex.id).is_dir()
          and direct.supports(paths.graders_dir(ex.id))]
PLANTS = [p for p in planting.planted() if registry.get(p.exercise) in DIRECT]


def _skip_torch(exercise):
    return [pytest.mark.skipif(exercise.torch and not HAVE_TORCH, reason="needs torch")]


def _cases():
    for ex in DIRECT:
        yield pytest.param(ex, "solution", None, id=f"{ex.id}-solution", marks=_skip_torch(ex))
        yield pytest.param(ex, "stubs", None, id=f"{ex.id}-stubs", marks=_skip_torch(ex))
    for p, pid in zip(PLANTS, planting.unique_ids(PLANTS)):
        yield pytest.param(registry.get(p.exercise), "planted", p, id=pid, marks=_skip_torch(registry.get(p.exercise)))


def _comparable(result) -> dict:
    """The result without what depends on the moment (durations)."""
    data = asdict(result)
    data.pop("duration")
    for check in data["checks"]:
        check.pop("duration")
    return data


def _both(exercises_dir, exercise, monkeypatch, public_only):
    ran = grade_exercise(exercises_dir, exercise, public_only=public_only, lang="ja")
    with monkeypatch.context() as m:
        m.setattr(direct, "supports", lambda graders: False)
        under_pytest = grade_exercise(exercises_dir, exercise, public_only=public_only, lang="ja")
    return _comparable(ran), _comparable(under_pytest)


def test_the_exercises_run_directly_are_all_but_those_with_their_own_fixtures():
    assert [ex.id for ex in DIRECT] == [ex.id for ex in registry.exercises()
                                        if not (paths.graders_dir(ex.id) / "conftest.py").exists()]
    assert len(DIRECT) >= 9


@pytest.mark.parametrize("exercise, kind, mistake", list(_cases()))
def test_direct_and_pytest_give_the_same_results(exercise, kind, mistake, tmp_path, monkeypatch):
    if kind == "stubs":
        root = tmp_path / "exercises"
        shutil.copytree(paths.kit_root() / "exercises" / exercise.id, root / exercise.id)
    else:
        root = planting.make_submission(tmp_path, [mistake] if mistake else [], exercises=[exercise.id])
    for public_only in (True, False):       # the learner's check, and grading with the hidden checks
        got, want = _both(root, exercise, monkeypatch, public_only)
        assert got == want, f"public_only={public_only}"
    assert got["checks"], "no check ran"
    if kind == "solution":
        assert all(c["status"] == "passed" for c in got["checks"])
    if kind == "stubs":
        assert not any(c["status"] == "passed" for c in got["checks"])


def test_collection_matches_pytest_order_public_then_hidden():
    for ex in registry.exercises():
        graders = paths.graders_dir(ex.id)
        if not graders.is_dir() or (ex.torch and not HAVE_TORCH):
            continue
        from course.nbgrader import catalog     # the catalogue lists every check, as collected
        listed = [c.id for c in catalog.checks(ex.id)]
        collected = collect(graders).graders
        assert [g.id for g in collected] == listed
        hidden = [g.hidden for g in collected]
        assert hidden == sorted(hidden), f"{ex.id}: a hidden check before a public one"


# -- graders that break: the same verdicts from both runners, never a pass ------------------------------
class _Session:
    """What the verdicts ask of a learner session, without a learner."""

    limits = Limits(timeout=30.0)

    def cpu_seconds(self) -> float:
        return 0.0

    def begin_check(self, budget: float) -> None:
        self.budget = budget


BROKEN = {
    "test_unmarked.py": """
        def test_no_marker(learner):
            '''a test function without @check'''
    """,
    "test_broken.py": """
        from course.checks import check

        @check("grader.raises", 2)
        def test_raises(learner):
            '''the grader itself fails'''
            raise KeyError("a bug")

        @check("grader.asserts", 1)
        def test_asserts():
            '''a plain assert'''
            assert 1 == 2

        @check("grader.unknown_fixture", 1)
        def test_unknown(no_such_fixture):
            '''asks for a fixture the kit does not give'''

        @check("grader.passes", 1)
        def test_passes(learner, device):
            '''passes'''
            assert device == "cpu"

        @check("grader.hidden", 1, hidden=True)
        def test_hidden(learner):
            '''hidden'''
    """,
    "test_syntax.py": "def broken(:\n",
}


def _run(graders, runner):
    verdicts = (plugin.GradingPlugin if runner is plugin.run else Verdicts)(
        _Session(), ReferenceSession(graders.parent / "no-solutions"), public_only=True, lang="en")
    runner(graders, verdicts)
    return verdicts


def test_a_broken_grader_is_an_error_under_both_runners_never_a_pass(tmp_path):
    graders = tmp_path / "graders" / "exercise42"
    graders.mkdir(parents=True)
    for name, source in BROKEN.items():
        (graders / name).write_text(textwrap.dedent(source))
    by_direct, by_pytest = _run(graders, direct.run), _run(graders, plugin.run)
    status = {r.id: (r.status, r.score, r.max_score) for r in by_direct.results}
    assert status == {r.id: (r.status, r.score, r.max_score) for r in by_pytest.results}
    assert status == {"grader.raises": ("error", 0.0, 2.0), "grader.asserts": ("failed", 0.0, 1.0),
                      "grader.unknown_fixture": ("error", 0.0, 1.0), "grader.passes": ("passed", 1.0, 1.0),
                      "test_no_marker": ("error", 0.0, 0.0)}
    assert by_direct.hidden_not_run == by_pytest.hidden_not_run == 1
    assert len(by_direct.collect_errors) == len(by_pytest.collect_errors) == 1
    assert "test_syntax.py" in by_direct.collect_errors[0]


def test_a_package_of_the_same_name_from_elsewhere_is_never_the_one_graded(tmp_path):
    """The bundle's graders and the kit's have the same module names: whichever was imported first, each run
    grades with its own folder's graders."""
    for version in ("one", "two"):
        graders = tmp_path / version / "graders" / "exercise42"
        graders.mkdir(parents=True)
        (graders / "test_version.py").write_text(textwrap.dedent(f"""
            from course.checks import check

            @check("version.{version}", 1)
            def test_version():
                '''which folder'''
        """))
    for version in ("one", "two", "one"):
        assert [g.id for g in collect(tmp_path / version / "graders" / "exercise42").graders] == [f"version.{version}"]

