"""Benchmark: grade a generated class with `course grade`, and the same work with nbgrader autograde.

    python bench/bench_class.py [--learners 100] [--nbgrader-learners 2] [--jobs N] [-e exerciseN ...]

The class mixes correct exercises with planted mistakes (course.planted): each learner's exercise gets one
planted mistake with probability 0.35, seeded, so runs are comparable, and every grade is checked against
the plan (full marks exactly where nothing was planted). Both graders run in this one run, on the same
machine, and the report gives seconds per submission for each and their ratio. It also measures the
sandbox's start-up (a learner process forked by the fork server, importing the exercise's first module) for
every exercise, plus the fork server's one-time torch preload per worker, and reports their sum over the
run as a share of the grading's CPU time: the grading overhead that does not depend on learner code.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from course import paths, planted, registry  # noqa: E402


def gradable() -> list[registry.Exercise]:
    return [e for e in registry.exercises() if paths.graders_dir(e.id).is_dir() and paths.solutions_dir(e.id).is_dir()]


def make_class(root: Path, learners: int, exercises: list[str]) -> dict[str, list[planted.Planted]]:
    """Write ``learners`` submissions under ``root``; returns each learner's planted mistakes."""
    rng = random.Random(20261123)
    made = {}
    for i in range(learners):
        mistakes = []
        for ex in exercises:
            options = planted.planted(ex)
            if options and rng.random() < 0.35:
                mistakes.append(rng.choice(options))
        learner = f"s{i:03d}"
        planted.make_submission(root / learner, mistakes, exercises=exercises)
        made[learner] = mistakes
    return made


def course_grade(class_dir: Path, exercises: list[str], jobs: int, work: Path) -> tuple[float, list]:
    """Wall seconds and results of `course grade` over the class."""
    args = [sys.executable, "-m", "course", "grade", str(class_dir), "--store", str(work / "grades.sqlite"),
            "--json", str(work / "results.json"), "--jobs", str(jobs), "--lang", "en"]
    for ex in exercises:
        args += ["-e", ex]
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=work, env={**os.environ, "PYTHONPATH": str(KIT)})
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"course grade failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, json.loads((work / "results.json").read_text())


def misgraded(made: dict, results: list, exercises: list[str]) -> list[str]:
    """Exercises whose grade contradicts the plan: a clean one short of full marks, a planted one at full."""
    by_learner = {r["submission"]: {e["id"]: e for e in r["exercises"]} for r in results}
    wrong = []
    for learner, mistakes in made.items():
        planted_here = {m.exercise for m in mistakes}
        for ex in exercises:
            got = by_learner[learner][ex]
            if (got["score"] == got["max_score"]) == (ex in planted_here):
                wrong.append(f"{learner}/{ex}: {got['score']:g}/{got['max_score']:g}, planted: "
                             f"{[m.code for m in mistakes if m.exercise == ex] or 'none'}")
    return wrong


def sandbox_startup(exercise: registry.Exercise, hide: list[Path], repeats: int = 3) -> tuple[float, float]:
    """Seconds to start one sandboxed learner process, hiding what batch grading hides (``hide``: the folders
    of the class's submissions), and import the exercise's first module in it: the first time in this process (the fork
    server starts and preloads) and the least of the next ones."""
    from course.sandbox.remote import LearnerSession
    times = []
    for _ in range(repeats + 1):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / exercise.id
            shutil.copytree(paths.solutions_dir(exercise.id), folder)
            session = LearnerSession(folder, hidden=[*paths.kit_secrets(), *hide], torch=exercise.torch)
            start = time.perf_counter()
            session.module(exercise.modules[0])
            times.append(time.perf_counter() - start)
            session.close()
    return times[0], min(times[1:])


def first_torch_start() -> float:
    """Seconds a fresh fork server takes to start a torch learner process (it imports and warms torch once)."""
    code = ("import sys, time, tempfile; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from course.sandbox.remote import LearnerSession; d = Path(tempfile.mkdtemp()); "
            "(d / 'm.py').write_text('import torch'); s = LearnerSession(d, torch=True); t = time.perf_counter(); "
            "s.module('m'); print(time.perf_counter() - t); s.close()")
    out = subprocess.run([sys.executable, "-c", code, str(KIT)], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def nbgrader_autograde(made: dict, exercises: list[str], learners: int, work: Path) -> float | None:
    """Seconds per submission of nbgrader autograde on the notebooks of `course nbgrader init`, or None."""
    try:
        import nbformat  # noqa: F401
        import nbgrader  # noqa: F401
        from course.cli import nbgrader as _  # noqa: F401
    except ImportError as exc:
        print(f"nbgrader half skipped: {exc}")
        return None
    course_dir, assignment = work / "nbcourse", "dlkit"
    # nbgrader runs alembic as a command, so the environment's bin folder must be on PATH.
    env = {**os.environ, "PYTHONPATH": str(KIT),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    init = [sys.executable, "-m", "course", "nbgrader", "init", str(course_dir), "--lang", "en"]
    for ex in exercises:
        init += ["-e", ex]
    run = lambda args, cwd: subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    step = run(init, work)
    if step.returncode:
        print(f"nbgrader half skipped: course nbgrader init failed: {step.stderr[-800:]}")
        return None
    nbgrader_cmd = [str(Path(sys.executable).with_name("nbgrader"))]
    step = run(nbgrader_cmd + ["generate_assignment", assignment, "--force"], course_dir)
    if step.returncode:
        print(f"nbgrader half skipped: generate_assignment failed: {step.stderr[-800:]}")
        return None
    chosen = list(made)[:learners]
    for learner in chosen:
        # The source notebooks hold the solution; each learner's planted mistakes are applied to them.
        target = course_dir / "submitted" / learner / assignment
        shutil.copytree(course_dir / "source" / assignment, target)
        for mistake in made[learner]:
            nb = target / f"{mistake.exercise}.ipynb"
            text = nb.read_text(encoding="utf-8")
            find, replace = json.dumps(mistake.find)[1:-1], json.dumps(mistake.replace)[1:-1]
            if text.count(find) == 1:
                nb.write_text(text.replace(find, replace), encoding="utf-8")
        run(nbgrader_cmd + ["db", "student", "add", learner], course_dir)
    start = time.perf_counter()
    step = run(nbgrader_cmd + ["autograde", assignment, "--force"], course_dir)
    elapsed = time.perf_counter() - start
    if step.returncode:
        print(f"nbgrader autograde exited {step.returncode}: {step.stderr[-800:]}")
    return elapsed / len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--nbgrader-learners", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("-e", "--exercise", action="append", help="exercises (default: every gradable one)")
    parser.add_argument("--keep", type=Path, help="keep the class and results in this folder")
    args = parser.parse_args()
    exercises = [registry.get(e) for e in args.exercise] if args.exercise else gradable()
    ids = [e.id for e in exercises]
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-class-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    made = make_class(work / "class", args.learners, ids)
    print(f"class: {args.learners} learners × {len(ids)} exercises ({', '.join(ids)}), "
          f"{sum(map(len, made.values()))} planted mistakes, jobs={args.jobs}, cores={os.cpu_count()}")

    wall, results = course_grade(work / "class", ids, args.jobs, work)
    budget = wall * min(args.jobs, os.cpu_count() or 1)   # core-seconds the run had
    per_sub = wall / args.learners
    full = sum(r["score"] == r["max_score"] for r in results)
    print(f"course grade: {wall:.1f} s wall, {per_sub:.2f} s per submission "
          f"({full} of {len(results)} with full marks)")
    wrong = misgraded(made, results, ids)
    print(f"verdicts as planted (full marks exactly where no mistake was planted): "
          f"{len(ids) * args.learners - len(wrong)} of {len(ids) * args.learners}"
          + "".join(f"\n  MISGRADED {w}" for w in wrong[:20]))

    from course.batch.discover import discover, submission_folders
    hidden = submission_folders(discover([work / "class"]))   # what `course grade` hides of the class
    startups = {e.id: sandbox_startup(e, hidden)[1] for e in exercises}
    once = first_torch_start() if any(e.torch for e in exercises) else 0.0
    workers = min(args.jobs, args.learners * len(ids))
    overhead = sum(startups.values()) * args.learners + once * workers
    print("sandbox start-up per learner process: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in startups.items()))
    if once:
        print(f"plus once per worker: the fork server preloads torch, {once:.2f} s × {workers} workers")
    print(f"start-up × {args.learners * len(ids)} processes + preloads = {overhead:.1f} s = "
          f"{100 * overhead / budget:.1f}% of the {budget:.0f} core-seconds of the run (at least one process per "
          f"exercise; a crash restarts it)")

    nb = nbgrader_autograde(made, ids, args.nbgrader_learners, work) if args.nbgrader_learners else None
    if nb is not None:
        print(f"nbgrader autograde: {nb:.2f} s per submission ({args.nbgrader_learners} learners)")
        print(f"ratio nbgrader / course grade per submission: {nb / per_sub:.1f}×")
    print(f"work folder: {work}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
