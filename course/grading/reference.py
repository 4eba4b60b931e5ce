"""Loading the kit's reference solution of an exercise into the verdict process.

Reference modules import their siblings by plain name (``from common import softmax``), as learners' do,
and every exercise has its own ``common.py``. So each folder is imported with only itself on the path and
its plain-named modules are taken out of ``sys.modules`` again afterwards: exercises never see each other's
modules, and the learner's process never sees any of them.
"""
from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

_lock = threading.Lock()
_cache: dict[tuple[Path, str], object] = {}


def load_module(folder: Path, name: str):
    """Import ``folder/name.py`` (and what it imports from ``folder``) without leaving plain names behind."""
    folder = Path(folder).resolve()
    key = (folder, name)
    with _lock:
        if key in _cache:
            return _cache[key]
        if not (folder / f"{name}.py").is_file():
            raise FileNotFoundError(f"no reference module {name}.py in {folder}")
        local = {p.stem for p in folder.glob("*.py")}
        saved = {n: sys.modules.pop(n) for n in local if n in sys.modules}
        sys.path.insert(0, str(folder))
        try:
            module = importlib.import_module(name)
        finally:
            sys.path.remove(str(folder))
            for n in local:
                sys.modules.pop(n, None)
            sys.modules.update(saved)
        _cache[key] = module
        return module


class ReferenceSession:
    """The reference side of a check: ``reference.module("activations").softmax(x)``.

    Checks reach it through their cases (:mod:`course.grading.expected`); where the solutions are absent
    (the learner bundle) asking it anything makes the check undecidable, never passed.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def module(self, name: str):
        """The reference module ``name`` of this exercise."""
        if not self.folder.is_dir():
            from course.grading.expected import Undecidable
            from course.i18n import tr

            raise Undecidable(self.folder.name, name, tr(
                "this check needs the kit's reference solution, which your copy of the course does not have: "
                "it is decided when your instructor grades your work, and does not count as passed here",
                "このチェックには講師用の参照解が必要で、あなたのコピーにはありません。講師の採点で判定され、"
                "ここでは合格に数えません"))
        return load_module(self.folder, name)

    def with_mistake(self, code: str) -> "ReferenceSession":
        """The reference with the planted mistake ``code`` (``planted.toml``) made in it: what a learner who
        made that mistake computes, for a diagnosis to compare with."""
        return ReferenceSession(_planted_copy(self.folder, code))


def _planted_copy(folder: Path, code: str) -> Path:
    """A copy of the solution ``folder`` with the planted mistake ``code`` applied, made once per process."""
    import atexit
    import shutil
    import tempfile

    from course import planted

    key = (Path(folder).resolve(), code)
    with _lock:
        if key not in _mistaken:
            found = [m for m in planted.planted(Path(folder).name) if m.code == code]
            if not found:
                raise KeyError(f"{Path(folder).name} has no planted mistake {code!r}")
            root = Path(tempfile.mkdtemp(prefix=f"course-{code}-"))
            atexit.register(shutil.rmtree, root, True)
            copy = root / Path(folder).name
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("__pycache__", "planted.toml"))
            found[0].apply(copy)        # a code planted twice (two ways to make it) is replayed the first way
            _mistaken[key] = copy
        return _mistaken[key]


_mistaken: dict[tuple[Path, str], Path] = {}
