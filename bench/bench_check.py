"""How long a cold `course check exercise1` takes, next to the cost of starting Python and importing NumPy.

The commands run alternately, several times each; the medians and their ratios are printed. Beside the check
and `import numpy` it times the imports the check cannot do without (numpy, click, rich: the floor of any
check in one process; pytest is not among them, the public checks run without it), and with --importtime it
lists the check's most expensive imports (`python -X importtime`). The issue's budget: the check within 3x
`python -c "import numpy"`. Bytecode is written (PYTHONDONTWRITEBYTECODE unset), as pip's install of the
learner package compiles it: a check that compiled its modules on every run would measure the wrong thing.

    .venv/bin/python bench/bench_check.py [--repeat 7] [--importtime]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
CHECK = [sys.executable, "-m", "course", "check", "exercise1", "--path", str(KIT / "solutions")]
COMMANDS = {
    "course check exercise1 --path solutions": CHECK,
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
    "imports only (numpy, click, rich)": [sys.executable, "-c", "import numpy, click, rich.console"],
}
BUDGET = 3.0
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall_time(argv: list[str]) -> float:
    """Seconds of wall time for one run of argv (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=KIT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def top_imports(count: int = 12) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the check's most expensive top-level imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", *CHECK[1:]], cwd=KIT, capture_output=True, text=True,
                          env=ENV)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            if cumulative.strip().isdigit() and not name.startswith("  "):      # nested imports are indented
                rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    """Time both commands alternately (so load on the machine hits both alike) and print medians and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--importtime", action="store_true", help="also list the check's costliest imports")
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
    check, numpy_only, floor = medians.values()
    print(f"ratio check / import numpy: {check / numpy_only:.1f}x (budget {BUDGET:g}x: "
          f"{'met' if check / numpy_only <= BUDGET else 'NOT met'}); imports only / import numpy: "
          f"{floor / numpy_only:.1f}x")
    if args.importtime:
        for micros, name in top_imports():
            print(f"  {micros / 1e3:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
