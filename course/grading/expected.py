"""Expected values as data: the named cases of each check, and where their values come from.

A check declares its cases with ``@cases(name=compute, ...)``: ``compute(reference)`` runs the kit's solution
on inputs the grader fixes and returns plain data (numbers, strings, arrays, tensors, and lists, tuples and
str-keyed dicts of them). In the kit the values are computed live, once per grading run. ``course release``
computes the public checks' values the same way and writes them beside the public graders as data
(:data:`DATA_JSON` and :data:`DATA_NPZ`, keyed by exercise, check id and case); in the learner bundle, which
has no solutions, they are read from there. Hidden checks' values are never written.

A value that is neither computable nor shipped makes the check :class:`Undecidable`: it is not passed, with
a reason the learner can act on, and never counts as passed.
"""
from __future__ import annotations

import copy
import json
import threading
from pathlib import Path

from course import paths
from course.i18n import tr

DATA_JSON = "expected.json"      # the structure: exercise, then check id → case → encoded value
DATA_NPZ = "expected.npz"        # the arrays and tensors the structure refers to
FORMAT = 1


class Undecidable(Exception):
    """A check's expected value is not available where it runs, so the check cannot be decided."""

    def __init__(self, check: str, case: str, why: dict):
        super().__init__(f"{check}/{case}: {why['en']}")
        self.check, self.case, self.why = check, case, why


class Expected:
    """The expected values of one check: ``expected["case"]`` (a fresh copy each time)."""

    def __init__(self, check: str, computes: dict, source):
        self.check, self._computes, self._source = check, computes, source

    def __getitem__(self, case: str):
        if case not in self._computes:
            raise KeyError(f"check {self.check} declares no case {case!r} (declared: {sorted(self._computes)})")
        return copy.deepcopy(self._source.value(self.check, case, self._computes[case]))

    def __contains__(self, case: str) -> bool:
        return case in self._computes

    def cases(self) -> list[str]:
        """The names of the check's cases, in declaration order."""
        return list(self._computes)


class LiveSource:
    """The kit: each case computed by the reference, once per grading run."""

    def __init__(self, reference):
        self.reference = reference
        self._values: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()

    def value(self, check: str, case: str, compute):
        """The value of ``case`` of ``check``, computed from the reference on first use."""
        with self._lock:
            if (check, case) not in self._values:
                self._values[check, case] = compute(self.reference)
            return self._values[check, case]


class ShippedSource:
    """The learner bundle: the values ``course release`` wrote beside the public graders."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._table: dict | None = None
        self._arrays = None

    def _load(self) -> dict:
        if self._table is None:
            index = self.folder / DATA_JSON
            self._table = json.loads(index.read_text(encoding="utf-8"))["checks"] if index.is_file() else {}
        return self._table

    def value(self, check: str, case: str, compute):
        """The shipped value of ``case`` of ``check``; :class:`Undecidable` when the release has none."""
        encoded = self._load().get(check, {})
        if case not in encoded:
            raise Undecidable(check, case, tr(
                f"its expected value (case {case!r}) is not in this copy of the course, so it cannot be decided "
                f"here and does not count as passed. Get the current release of the course from your instructor "
                f"(graders/{self.folder.name}/{DATA_JSON} is missing or older than the checks)",
                f"期待値 (ケース {case!r}) がこのコースのコピーにないため、ここでは判定できません (合格には数えません)。"
                f"講師から最新のコースを受け取ってください (graders/{self.folder.name}/{DATA_JSON} がないか、"
                f"チェックより古くなっています)"))
        if self._arrays is None:
            import numpy as np

            npz = self.folder / DATA_NPZ
            self._arrays = dict(np.load(npz, allow_pickle=False)) if npz.is_file() else {}
        return decode(encoded[case], self._arrays)


def source_for(reference) -> LiveSource | ShippedSource:
    """Where the expected values of ``reference``'s exercise come from: live where its solution exists,
    else the data shipped with the public graders."""
    folder = Path(reference.folder)
    return LiveSource(reference) if folder.is_dir() else ShippedSource(paths.graders_dir(folder.name))


# -- plain data ⇄ JSON + arrays -------------------------------------------------------------------------

def _is_tensor(value) -> bool:
    """A torch tensor, recognised without importing torch (NumPy exercises never import it)."""
    return any(c.__name__ == "Tensor" and c.__module__.startswith("torch") for c in type(value).__mro__)


def encode(value, arrays: dict, key: str):
    """``value`` as JSON, its arrays and tensors put into ``arrays`` under names derived from ``key``.

    Raises TypeError for anything that is not plain data (a grader's case must return data, not objects).
    """
    import numpy as np

    if isinstance(value, (np.ndarray, np.generic)):     # before float: np.float64 is a float too
        if np.asarray(value).dtype == object:
            raise TypeError(f"{key}: an object array is not plain data")
        arrays[key] = np.asarray(value)
        return {"array": key, "scalar": isinstance(value, np.generic)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if _is_tensor(value):
        arrays[key] = value.detach().cpu().numpy()
        return {"tensor": key}
    if isinstance(value, (list, tuple)):
        items = [encode(v, arrays, f"{key}.{i}") for i, v in enumerate(value)]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: encode(v, arrays, f"{key}.{k}") for k, v in value.items()}}
    raise TypeError(f"{key}: {type(value).__name__} is not plain data (numbers, strings, arrays, tensors, "
                    f"and lists, tuples or str-keyed dicts of them)")


def decode(encoded, arrays: dict):
    """The value :func:`encode` wrote."""
    if isinstance(encoded, list):
        return [decode(v, arrays) for v in encoded]
    if not isinstance(encoded, dict):
        return encoded
    if "array" in encoded:
        arr = arrays[encoded["array"]]
        return arr[()] if encoded["scalar"] else arr.copy()
    if "tensor" in encoded:
        import torch

        return torch.from_numpy(arrays[encoded["tensor"]].copy())
    if "tuple" in encoded:
        return tuple(decode(v, arrays) for v in encoded["tuple"])
    return {k: decode(v, arrays) for k, v in encoded["dict"].items()}


def write(folder: Path, exercise: str, values: dict[str, dict[str, object]]) -> int:
    """Write ``values`` (check id → case → value) as the data of ``folder``; returns the number of cases."""
    import numpy as np

    arrays: dict = {}
    checks = {check: {case: encode(v, arrays, f"{check}/{case}") for case, v in cases.items()}
              for check, cases in sorted(values.items())}
    folder = Path(folder)
    (folder / DATA_JSON).write_text(json.dumps({"format": FORMAT, "exercise": exercise, "checks": checks},
                                               ensure_ascii=False, indent=1, allow_nan=True) + "\n",
                                    encoding="utf-8")
    if arrays:
        np.savez_compressed(folder / DATA_NPZ, **arrays)
    return sum(len(cases) for cases in values.values())
