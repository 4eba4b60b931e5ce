"""Benchmark: the same class through the local pool and a Dask LocalCluster, and the scheduler's cost per unit.

    python bench/bench_cluster.py [--learners 30] [--workers N] [--rounds 1] [--empty 10000] [-e exerciseN ...]

1. A generated class (bench_class's: planted mistakes, seeded) is graded by `course grade --jobs N` and by
   `course grade --scheduler local:N`, alternately, in this one run; both must give the same results
   (durations aside) and every grade as planted. Reported: each wall time and the ratio cluster / local
   (target: at most 1.15).
2. ``--empty`` units that grade nothing go through the same Dask runner as real units (payload, submit,
   result back, release) on a LocalCluster of N workers: the scheduler round trip per unit, the part of a
   unit's cost that a bigger cluster does not divide.
3. From both, the wall time of 100,000 submissions × the exercises graded, on 64 workers.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(KIT), str(KIT / "bench")]

from bench_class import gradable, make_class, misgraded  # noqa: E402

from course import registry  # noqa: E402

PROJECTED_SUBMISSIONS, PROJECTED_WORKERS, TARGET_RATIO = 100_000, 64, 1.15


def course_grade(class_dir: Path, exercises: list[str], how: list[str], work: Path, name: str) -> tuple[float, list]:
    """Wall seconds and results of `course grade` over the class, run the way ``how`` says."""
    args = [sys.executable, "-m", "course", "grade", str(class_dir), "--store", str(work / f"{name}.sqlite"),
            "--json", str(work / f"{name}.json"), "--lang", "en", *how]
    for ex in exercises:
        args += ["-e", ex]
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=work, env={**os.environ, "PYTHONPATH": str(KIT)})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"course grade {' '.join(how)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, json.loads((work / f"{name}.json").read_text())


def timeless(value):
    """``value`` without the durations, which differ between any two runs."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if k != "duration"}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


def differences(a: list, b: list) -> list[str]:
    """The checks whose outcome differs between two runs' results, as learner/exercise/check: a → b."""
    def checks(results):
        return {(r["submission"], e["id"], c["id"]): (c["status"], c["score"], c.get("message", ""))
                for r in results for e in r["exercises"] for c in e["checks"]}
    left, right = checks(a), checks(b)
    return [f"{'/'.join(k)}: {left.get(k, 'absent')[:2]} → {right.get(k, 'absent')[:2]}"
            f" ({(right.get(k) or left.get(k))[2][:160]!r})"
            for k in sorted(left.keys() | right.keys()) if left.get(k) != right.get(k)]


def empty_task(load, settings) -> dict:
    """A unit that grades nothing: what is left of its cost is the scheduler's."""
    return {}


def scheduler_round_trip(units: int, workers: int) -> float:
    """Seconds per unit for ``units`` empty units through the Dask runner on a LocalCluster."""
    from course.batch.cluster import DaskRunner
    from course.batch.pool import Settings, Unit

    nowhere = Path(tempfile.gettempdir()) / "bench-cluster-no-such-folder"
    empty = [Unit(f"u{i}", "exercise0", nowhere, "missing", "") for i in range(units)]
    with DaskRunner(f"local:{workers}", torch=False, task=empty_task, say=lambda line: None) as runner:
        start = time.perf_counter()
        answered = sum(1 for _ in runner.run(empty, Settings()))
        elapsed = time.perf_counter() - start
    assert answered == units
    return elapsed / units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=1, help="local/cluster pairs, alternated")
    parser.add_argument("--empty", type=int, default=10_000, help="empty units for the round trip")
    parser.add_argument("-e", "--exercise", action="append", help="exercises (default: every gradable one)")
    args = parser.parse_args()
    exercises = [registry.get(e) for e in args.exercise] if args.exercise else gradable()
    ids = [e.id for e in exercises]
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-")).resolve()
    made = make_class(work / "class", args.learners, ids)
    units = args.learners * len(ids)
    print(f"class: {args.learners} learners × {len(ids)} exercises = {units} units, "
          f"{sum(map(len, made.values()))} planted mistakes; {args.workers} workers, cores={os.cpu_count()}")

    walls: dict[str, list[float]] = {"local": [], "cluster": []}
    ways = {"local": ["--jobs", str(args.workers)], "cluster": ["--scheduler", f"local:{args.workers}"]}
    results = {}
    for round_ in range(args.rounds):
        for name, how in ways.items():
            wall, results[name] = course_grade(work / "class", ids, how, work, f"{name}{round_}")
            walls[name].append(wall)
            print(f"  round {round_ + 1} {name:<7} ({' '.join(how)}): {wall:.1f} s")
    local, remote = min(walls["local"]), min(walls["cluster"])
    same = timeless(results["local"]) == timeless(results["cluster"])
    wrong = misgraded(made, results["cluster"], ids)
    print(f"local pool   : {local:.1f} s ({local / args.learners:.2f} s per submission)")
    print(f"LocalCluster : {remote:.1f} s ({remote / args.learners:.2f} s per submission)")
    print(f"ratio cluster / local: {remote / local:.3f} (target ≤ {TARGET_RATIO}: "
          f"{'met' if remote / local <= TARGET_RATIO else 'NOT met'})")
    print(f"same results as the local pool (durations aside): {same}; verdicts as planted: "
          f"{units - len(wrong)} of {units}"
          + "".join(f"\n  DIFFERS {d}" for d in differences(results["local"], results["cluster"])[:10]))

    trip = scheduler_round_trip(args.empty, args.workers)
    print(f"scheduler round trip: {trip * 1000:.2f} ms per unit ({args.empty} empty units, {args.workers} workers)")

    per_unit = remote * args.workers / units   # worker-seconds a unit took on the cluster
    projected_units = PROJECTED_SUBMISSIONS * len(ids)
    grading = projected_units * per_unit / PROJECTED_WORKERS
    floor = projected_units * trip
    print(f"projection: {PROJECTED_SUBMISSIONS:,} submissions × {len(ids)} exercises = {projected_units:,} units "
          f"on {PROJECTED_WORKERS} workers: {grading / 3600:.2f} h of grading at {per_unit:.2f} worker-s per unit; "
          f"the scheduler alone needs {floor / 60:.1f} min ({100 * floor / grading:.1f}% of that)")
    shutil.rmtree(work, ignore_errors=True)
    if not same or wrong:
        sys.exit("the cluster's results differ from the local pool's or from the plan")


if __name__ == "__main__":
    main()
