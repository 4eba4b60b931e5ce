"""How long `course check exercise1` takes, next to the cost of starting Python and importing NumPy.

Both commands run alternately in one process, several times each; the medians and their ratio are printed.
The issue's budget is 1 s of wall time for the whole check on a 2-core machine.

    .venv/bin/python bench/bench_check.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "course check exercise1 --path solutions": [sys.executable, "-m", "course", "check", "exercise1",
                                                "--path", str(KIT / "solutions")],
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
}


def wall_time(argv: list[str]) -> float:
    """Seconds of wall time for one run of argv (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=KIT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Time both commands alternately (so load on the machine hits both alike) and print medians and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for argv in COMMANDS.values():
        wall_time(argv)  # warm the file cache once
    times = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            times[name].append(wall_time(argv))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, m in medians.items():
        print(f"{name:45s} median {m:.3f} s  (min {min(times[name]):.3f}, max {max(times[name]):.3f}, n={args.repeat})")
    check, numpy_only = medians.values()
    print(f"ratio check / import numpy: {check / numpy_only:.1f}x")


if __name__ == "__main__":
    main()
