"""The sample class that ``course demo`` grades: correct, buggy, unfinished, misbehaving and copied work.

It is built from the committed reference solutions, stubs and planted mistakes (``git archive HEAD``, when the
kit is a git checkout), never from the working tree, so an exercise someone is filling in or a plant being
edited does not change the demo. Planted mistakes an exercise does not define are left out; the class still
builds.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
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
    "gwen": ((), (), {}),
}
# learner -> (whose work they hand in as their own, for which exercises): comments dropped and layout changed,
# as copied work usually is, for `course similarity` to find.
COPIES = {"gwen": ("dave", ("exercise3", "exercise4", "exercise5"))}

_MISBEHAVIOUR = {
    "syntax": ("\n\ndef unfinished(x:\n    return x\n", "end"),
    "exit": ("import sys\nsys.exit(0)  # left over from a quick experiment\n", "start"),
}
_COMMENT = re.compile(r"\s*#.*$")


@contextmanager
def committed_kit():
    """The kit's committed exercises/ and solutions/ (HEAD), as the kit root for the time of the block.

    Outside a git checkout (an installed kit) the kit's own files are used: they are what was installed.
    """
    root = paths.kit_root()
    try:
        archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", "HEAD", "exercises",
                                  "solutions"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        yield root
        return
    saved = os.environ.get("COURSE_ROOT")
    with tempfile.TemporaryDirectory(prefix="course-demo-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        # paths.kit_root() follows COURSE_ROOT: the planted mistakes and solutions are read from HEAD's copy.
        os.environ["COURSE_ROOT"] = tmp
        try:
            yield Path(tmp)
        finally:
            if saved is None:
                os.environ.pop("COURSE_ROOT", None)
            else:
                os.environ["COURSE_ROOT"] = saved


def build_class(target: Path) -> list[Path]:
    """Write the sample class under ``target`` (one folder per learner) and return the folders."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    with committed_kit() as kit:
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
                if (kit / "exercises" / ex).is_dir():
                    shutil.copytree(kit / "exercises" / ex, root / ex, ignore=shutil.ignore_patterns("__pycache__"))
            for ex, kind in extra.items():
                module = root / ex / f"{registry.get(ex).modules[0]}.py"
                if module.is_file():
                    _misbehave(module, kind)
            folders.append(folder)
    for learner, (source, exercises) in COPIES.items():
        for ex in exercises:
            _copy_disguised(paths.find_exercises_dir(target / source) / ex,
                            paths.find_exercises_dir(target / learner) / ex)
    return folders


def _misbehave(module: Path, kind: str) -> None:
    text, where = _MISBEHAVIOUR[kind]
    source = module.read_text(encoding="utf-8")
    module.write_text(source + text if where == "end" else text + source, encoding="utf-8")


def _copy_disguised(src: Path, dest: Path) -> None:
    """Copy an exercise folder, each module with its comments removed and a blank line after each function."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    for module in dest.glob("*.py"):
        lines = [_COMMENT.sub("", ln) if '"' not in ln and "'" not in ln else ln
                 for ln in module.read_text(encoding="utf-8").splitlines()]
        text = "\n".join(ln + ("\n" if ln.startswith("def ") else "") for ln in lines)
        module.write_text("# my solution\n" + text + "\n", encoding="utf-8")
