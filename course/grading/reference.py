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
    """The reference side of a check: ``reference.module("activations").softmax(x)``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def module(self, name: str):
        """The reference module ``name`` of this exercise."""
        return load_module(self.folder, name)
