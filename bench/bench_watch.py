"""How long `course watch exercise1` takes from a save to the new result on screen, next to a cold
`course check exercise1` of the same folder.

A learner's copy of exercise 1 is written to a temporary folder; `course watch` runs on it, and the bench saves
the solution and the stub into it alternately, timing each save until the watcher prints the result line.
The issue's budget is 0.2 s per re-check of a NumPy exercise.

    .venv/bin/python bench/bench_watch.py [--repeat 9]
"""
from __future__ import annotations

import argparse
import os
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
EXERCISE, MODULE = "exercise1", "numerical_diff.py"
VERSIONS = {"solution": KIT / "solutions" / EXERCISE / MODULE, "stub": KIT / "exercises" / EXERCISE / MODULE}
RESULT_MARK = f" {EXERCISE} "          # the watcher's result line: "✓ exercise1 6/6  (…)"
WAIT_S = 30


def read_result(proc: subprocess.Popen, selector: selectors.BaseSelector) -> str:
    """The next result line the watcher prints (raises if none comes within WAIT_S). Reads the pipe itself:
    a buffered reader would hold lines that the selector no longer sees."""
    deadline, data = time.monotonic() + WAIT_S, b""
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError("course watch exited")
        data += chunk
        for line in data.decode(errors="replace").splitlines():
            if RESULT_MARK in line and line[:1] in "✓✗":
                return line
    raise RuntimeError(f"no result from course watch within {WAIT_S} s")


def save(target: Path, source: Path) -> None:
    """Write ``source`` over ``target`` as an editor does: the whole file, then close."""
    target.write_bytes(source.read_bytes())


def main() -> None:
    """Alternate solution and stub saves under `course watch`; then time cold checks; print medians and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exercises"
        shutil.copytree(KIT / "exercises" / EXERCISE, folder / EXERCISE)
        env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_EXERCISES")}
        proc = subprocess.Popen([sys.executable, "-m", "course", "watch", EXERCISE, "--no-clear", "--lang", "en"],
                                cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        try:
            read_result(proc, selector)                          # the first check, with the fork server's start
            times = {name: [] for name in VERSIONS}
            for _ in range(args.repeat):
                for name, source in VERSIONS.items():
                    time.sleep(0.3)                              # let the previous save's events settle
                    start = time.perf_counter()
                    save(folder / EXERCISE / MODULE, source)
                    read_result(proc, selector)
                    times[name].append(time.perf_counter() - start)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        cold = []
        for _ in range(max(3, args.repeat // 3)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "course", "check", EXERCISE], cwd=tmp, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cold.append(time.perf_counter() - start)
    medians = {f"save → result ({name})": statistics.median(ts) for name, ts in times.items()}
    medians["cold course check"] = statistics.median(cold)
    for name, m in medians.items():
        print(f"{name:32s} median {m:.3f} s")
    watch_solution = medians["save → result (solution)"]
    print(f"ratio watch re-check / cold check: {watch_solution / medians['cold course check']:.2f}  "
          f"(budget: re-check <= 0.2 s: {'met' if watch_solution <= 0.2 else 'NOT met'})")


if __name__ == "__main__":
    main()
