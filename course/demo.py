"""The sample class that ``course demo`` grades: correct, buggy, unfinished and misbehaving submissions.

It is built from the reference solutions and their planted mistakes, so it always matches the exercises.
Planted mistakes that an exercise does not define (yet) are left out; the class still builds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from course import paths, registry
from course.planted import make_submission, planted

# learner id -> (diagnosis codes to plant, exercises left as untouched stubs, extra misbehaviour)
CLASS = {
    "alice": ((), (), {}),
    "bob": (("softmax-no-max-shift", "db-averaged", "adam-no-bias-correction", "forward-difference"), (), {}),
    "carol": ((), ("exercise5", "exercise6", "exercise7", "exercise8", "exercise9"), {}),
    "dave": (("ce-no-delta", "sigmoid-grad-of-output", "softmax-before-cross-entropy", "grad-overwritten"), (),
             {"exercise2": "syntax"}),
    "erin": (("x-not-restored", "perceptron-threshold-ge", "missing-zero-grad"), (), {"exercise4": "exit"}),
    "frank": ((), tuple(ex.id for ex in registry.exercises()), {}),
}

_MISBEHAVIOUR = {
    "syntax": ("\n\ndef unfinished(x:\n    return x\n", "end"),
    "exit": ("import sys\nsys.exit(0)  # left over from a quick experiment\n", "start"),
}


def build_class(target: Path) -> list[Path]:
    """Write the sample class under ``target`` (one folder per learner) and return the folders."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    by_code = {}
    for mistake in planted():
        by_code.setdefault(mistake.code, mistake)
    folders = []
    for learner, (codes, stubs, extra) in CLASS.items():
        folder = target / learner
        mistakes = [by_code[c] for c in codes if c in by_code and by_code[c].exercise not in stubs]
        root = make_submission(folder, mistakes)
        for ex in stubs:
            shutil.rmtree(root / ex, ignore_errors=True)
            if (paths.kit_root() / "exercises" / ex).is_dir():
                shutil.copytree(paths.kit_root() / "exercises" / ex, root / ex,
                                ignore=shutil.ignore_patterns("__pycache__"))
        for ex, kind in extra.items():
            module = root / ex / f"{registry.get(ex).modules[0]}.py"
            if module.is_file():
                _misbehave(module, kind)
        folders.append(folder)
    return folders


def _misbehave(module: Path, kind: str) -> None:
    text, where = _MISBEHAVIOUR[kind]
    source = module.read_text(encoding="utf-8")
    module.write_text(source + text if where == "end" else text + source, encoding="utf-8")
