"""Loading the kit's reference solution of an exercise into the verdict process.

Reference modules import their siblings by plain name (``from common import softmax``), as learners' do,
and every exercise has its own ``common.py``. So each folder is imported with only itself on the path and
its plain-named modules are taken out of ``sys.modules`` again afterwards: exercises never see each other's
modules, and the learner's process never sees any of them.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import os
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
        self._replay: _Answers | None = None

    def module(self, name: str):
        """The reference module ``name`` of this exercise: the solution where it exists (recorded while a
        release records), else the answers recorded at release (the learner bundle)."""
        if _recorder is not None:
            return _Proxy(name, _recorder, load_module(self.folder, name), recording=True)
        if not self.folder.is_dir():
            answers = answers_path(self.folder.name)
            if answers.is_file():
                if self._replay is None:
                    self._replay = _Answers(_load_answers(answers))
                return _Proxy(name, self._replay)
        return load_module(self.folder, name)


# -- recorded answers: the public checks of the learner bundle, where solutions/ is absent -----------------
#
# At release the public checks run against the solutions while every value that crosses the reference
# boundary is recorded under a key: the check, the call path (``basics.normalize_rows(<digest of args>)``)
# and how many times that path was used before in the same check. In the bundle the same checks ask the
# same questions in the same order, so they get the same answers without the solution code.

ANSWERS = "reference-answers.pkl"
_recorder: "_Answers | None" = None


class _Unstable(Exception):
    """An argument with no stable digest (a learner proxy, an arbitrary object): not recordable."""


def _digest(value, h) -> None:
    import numpy as np

    if isinstance(value, _Proxy):
        h.update(b"P" + value._path.encode())
    elif isinstance(value, (np.ndarray, np.generic)):
        arr = np.ascontiguousarray(value)
        if arr.dtype == object:
            raise _Unstable(type(value).__name__)
        h.update(b"A" + arr.dtype.str.encode() + repr(arr.shape).encode() + arr.tobytes())
    elif _is_tensor(value):
        h.update(b"T" + str(value.dtype).encode())
        _digest(value.detach().cpu().numpy(), h)
    elif value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        h.update(type(value).__name__.encode() + repr(value).encode())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            _digest(item, h)
        h.update(b"]")
    elif isinstance(value, np.ufunc):
        h.update(b"U" + value.__name__.encode())
    elif callable(value) and hasattr(value, "__code__"):
        # A grader's function argument (f in numerical_diff(f, x)) is the same code in every run; its
        # closure values tell apart functions made by one factory.
        code = value.__code__
        h.update(b"F" + code.co_code + repr(code.co_names).encode() + repr(
            [c for c in code.co_consts if isinstance(c, (int, float, str, bytes, type(None)))]).encode())
        for cell in value.__closure__ or ():
            _digest(cell.cell_contents, h)
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}{{".encode())
        for key in sorted(value, key=repr):
            _digest(key, h)
            _digest(value[key], h)
        h.update(b"}")
    else:
        raise _Unstable(type(value).__name__)


def _is_tensor(value) -> bool:
    """A torch tensor or parameter, recognised without importing torch."""
    return any(c.__name__ == "Tensor" and c.__module__.startswith("torch") for c in type(value).__mro__)


def _args_digest(args, kwargs) -> str:
    import hashlib

    h = hashlib.sha256()
    _digest((list(args), kwargs), h)
    return h.hexdigest()[:20]


def _is_plain(value) -> bool:
    import numpy as np

    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype != object
    if _is_tensor(value):
        return True
    if type(value) in (list, tuple):
        return all(_is_plain(v) for v in value)
    if type(value) is dict:
        return all(isinstance(k, (str, int)) and _is_plain(v) for k, v in value.items())
    return False


def _current_check() -> str:
    """The running check, as pytest names it (``exercise0/test_basics.py::test_one_hot``)."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


class _Answers:
    """Recorded reference answers, with the per-check use counts that make their keys."""

    def __init__(self, table: dict | None = None):
        self.table = table if table is not None else {}
        self._check, self._seen = None, {}

    def key(self, path: str) -> str:
        check = _current_check()
        if check != self._check:
            self._check, self._seen = check, {}
        n = self._seen[path] = self._seen.get(path, -1) + 1
        return f"{check}|{path}|{n}"


class _Proxy:
    """A stand-in for a reference module or object, recording (``target`` set) or replaying answers."""

    def __init__(self, path: str, answers: _Answers, target=None, recording: bool = False):
        self._path, self._answers, self._target, self._recording = path, answers, target, recording

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        path = f"{self._path}.{name}"
        return self._resolve(path, lambda: getattr(self._target, name))

    def __call__(self, *args, **kwargs):
        try:
            path = f"{self._path}({_args_digest(args, kwargs)})"
        except _Unstable as exc:
            if self._recording:       # not recordable, still answered while recording
                return self._target(*_unwrap(args), **_unwrap(kwargs))
            _not_recorded(f"{self._path}(… {exc.args[0]} …)")
        if self._recording:
            real_args, real_kwargs = _unwrap(args), _unwrap(kwargs)
            value = self._resolve(path, lambda: self._target(*real_args, **real_kwargs))
            try:
                changed = path != f"{self._path}({_args_digest(real_args, real_kwargs)})"
            except _Unstable:
                changed = False
            if changed:
                self._answers.table[path_key_after(self._answers, path)] = _plain_copy((list(args), kwargs))
            return value
        value = self._resolve(path, None)
        _restore((args, kwargs), self._answers.table.get(path_key_after(self._answers, path)))
        return value

    def __iter__(self):
        """Iterating a reference object (a model's parameters): its length and each item are recorded."""
        path = f"{self._path}.__iter__"
        key = self._answers.key(path)
        if self._recording:
            items = list(self._target)
            self._answers.table[key] = ("iter", len(items))
            return iter([self._resolve(f"{path}[{i}]", lambda item=item: item) for i, item in enumerate(items)])
        if key not in self._answers.table:
            _not_recorded(path)
        return iter([self._resolve(f"{path}[{i}]", None) for i in range(self._answers.table[key][1])])

    def _resolve(self, path: str, compute):
        key = self._answers.key(path)
        if self._recording:
            value = compute()
            if _is_plain(value):
                self._answers.table[key] = ("value", _plain_copy(value))
                return value
            self._answers.table[key] = ("object",)
            return _Proxy(key, self._answers, value, recording=True)
        if key not in self._answers.table:
            _not_recorded(path)
        kind, *rest = self._answers.table[key]
        return _plain_copy(rest[0]) if kind == "value" else _Proxy(key, self._answers)


def path_key_after(answers: _Answers, path: str) -> str:
    """Where a call's arguments after the call are kept (for reference code that updates them in place)."""
    return f"{answers._check}|{path}|after{answers._seen[path]}"


def _plain_copy(value):
    import copy

    try:
        return copy.deepcopy(value) if _is_plain(value) else None
    except Exception:
        return None


def _unwrap(value):
    if isinstance(value, _Proxy):
        return value._target
    if type(value) in (list, tuple):
        return type(value)(_unwrap(v) for v in value)
    if type(value) is dict:
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _restore(target, after) -> None:
    """Apply a recorded in-place update to the arguments of a replayed call."""
    import numpy as np

    if after is None:
        return
    if isinstance(target, np.ndarray) and isinstance(after, np.ndarray) and target.shape == after.shape:
        if not np.array_equal(target, after):
            target[...] = after
    elif type(target) in (list, tuple) and type(after) in (list, tuple) and len(target) == len(after):
        for t, a in zip(target, after):
            _restore(t, a)
        if type(target) is list:
            target[:] = [a if not isinstance(t, (np.ndarray, list, dict)) else t for t, a in zip(target, after)]
    elif type(target) is dict and type(after) is dict:
        for k, a in after.items():
            if k in target and isinstance(target[k], (np.ndarray, list, dict)):
                _restore(target[k], a)
            else:
                target[k] = a


def _not_recorded(what: str):
    import pytest

    from course.i18n import default_lang, pick, tr

    pytest.skip(pick(tr(f"no recorded reference answer for {what}: this check can only be graded with the "
                        f"kit's solutions (your instructor's `course grade`)",
                        f"{what} の参照解答が記録されていません。このチェックは講師の `course grade` でのみ採点できます"),
                     default_lang()))


@contextlib.contextmanager
def recording():
    """While active, reference modules are proxies that record every answer into the yielded dict."""
    global _recorder
    answers = _Answers()
    _recorder = answers
    try:
        yield answers.table
    finally:
        _recorder = None


def answers_path(exercise: str) -> Path:
    """Where the learner bundle keeps an exercise's recorded answers (beside its public graders)."""
    from course import paths

    return paths.graders_dir(exercise) / ANSWERS


def save_answers(table: dict, path: Path) -> None:
    """Write recorded answers (plain data only: arrays, tensors, numbers, containers)."""
    import pickle

    Path(path).write_bytes(pickle.dumps(table, protocol=4))


@functools.lru_cache(maxsize=None)
def _load_answers(path: Path) -> dict:
    import pickle

    return pickle.loads(Path(path).read_bytes())
