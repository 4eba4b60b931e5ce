"""`course similarity`: copied work is flagged with its evidence; shared base code and common mistakes are not."""
import json
import re
import subprocess
import sys
from pathlib import Path

from course import registry
from course.batch.discover import discover
from course.result import CheckResult, ExerciseResult, SubmissionResult
from course.similarity import behaviour, code, pairs

KIT = Path(__file__).resolve().parent.parent
EX = registry.get("exercise3")

OWN = '''import numpy as np


def step_function(x):
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)
'''
# Someone else's way of writing the same functions (loops, other names): no passage in common with OWN.
OTHER = '''import numpy


def step_function(values):
    out = numpy.zeros_like(values, dtype=numpy.int64)
    out[values > 0] = 1
    return out


def sigmoid(z):
    result = numpy.empty_like(z, dtype=float)
    for i, v in numpy.ndenumerate(z):
        result[i] = 1.0 / (1.0 + numpy.exp(-v))
    return result


def relu(z):
    return numpy.where(z > 0, z, 0.0)


def softmax(a):
    shifted = a - a.max(axis=-1, keepdims=True)
    powered = numpy.exp(shifted)
    total = powered.sum(axis=-1, keepdims=True)
    return powered / total
'''


def _rename(source: str) -> str:
    """What a copier does: other names, comments, blank lines."""
    source = re.sub(r"\bx\b", "inp", re.sub(r"\be\b", "ex", source))
    return "# written by me\n" + source.replace("\n\n\n", "\n\n\n# next function\n")


def _class(tmp_path, modules: dict[str, str]) -> list:
    for learner, source in modules.items():
        folder = tmp_path / "class" / learner / "exercise3"
        folder.mkdir(parents=True)
        (folder / "activations.py").write_text(source)
    return discover([tmp_path / "class"])


def test_normalised_tokens_ignore_names_comments_and_docstrings():
    a = code.tokens("def f(x):\n    '''doc'''\n    # note\n    return np.sum(x, axis=0)\n")
    b = code.tokens("def g(values):\n    return np.sum(values, axis=1)\n")
    assert [t for t, _ in a] == [t for t, _ in b]
    assert ".sum" not in [t for t, _ in a] and "sum" in [t for t, _ in a]   # attribute names are kept


def test_a_renamed_copy_is_flagged_with_the_matching_lines_side_by_side(tmp_path):
    subs = _class(tmp_path, {"ann": OWN, "bea": _rename(OWN), "cai": OTHER})
    found = pairs.find(subs, [EX])
    assert [(p.left, p.right) for p in found] == [("ann", "bea")]
    match = found[0].code[0]
    assert match.module == "exercise3/activations.py" and match.fraction > 0.8
    shown_left = [match.left_lines[n - 1] for a, b in match.left for n in range(a, b + 1)]
    shown_right = [match.right_lines[n - 1] for a, b in match.right for n in range(a, b + 1)]
    assert any("np.exp(-x)" in line for line in shown_left)
    assert any("np.exp(-inp)" in line for line in shown_right)


def test_code_everyone_was_given_is_not_evidence(tmp_path):
    """Two learners who both typed in the book's code (the --base folder) are not flagged for it."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "functions.py").write_text(OWN)
    subs = _class(tmp_path, {"ann": OWN, "bea": _rename(OWN), "cai": OTHER})
    assert pairs.find(subs, [EX], base=[book]) == []


def _result(learner, outcomes):
    checks = [CheckResult(cid, status, 0.0 if status != "passed" else 1.0, 1.0, diagnosis=diag, message=msg)
              for cid, status, diag, msg in outcomes]
    return SubmissionResult(learner, [ExerciseResult("exercise4", checks)])


def test_behaviour_flags_rare_shared_wrong_outputs_not_common_mistakes_or_stubs():
    rare = [("ce.batch", "failed", "ce-no-delta", "got [inf, 2.3]"), ("ce.single", "failed", "ce-no-delta", "got inf")]
    rare += [(f"mse.case{i}", "failed", "mse-no-half", f"got {i + 0.5}") for i in range(4)]
    common = [("sm.big", "failed", "softmax-no-max-shift", "got [nan, nan]")]
    stub = [("mse.value", "failed", "not-implemented", "NotImplementedError")]
    results = [_result("dave", rare + common), _result("gwen", rare + common + stub),
               _result("hana", common + stub), _result("ivan", common + stub)]
    results += [_result(f"ok{i}", []) for i in range(6)]
    found = behaviour.matches(results)
    assert list(found) == [("dave", "gwen")]
    kinds = {(e.check, e.kind) for e in found[("dave", "gwen")].events}
    assert len(kinds) == 12 and {("exercise4/ce.batch", "output"), ("exercise4/ce.batch", "diagnosis")} <= kinds
    assert not any(e.value == "softmax-no-max-shift" for e in found[("dave", "gwen")].events)
    assert found[("dave", "gwen")].left["exercise4/ce.batch"] == "got [inf, 2.3]"
    # Two rare coincidences in a class of ten are what chance gives: not flagged.
    few = [_result("dave", rare[:2]), _result("gwen", rare[:2])] + results[2:]
    assert behaviour.matches(few) == {}


def test_similarity_command_prints_pairs_and_writes_html_and_json(tmp_path):
    _class(tmp_path, {"ann": OWN, "bea": _rename(OWN), "cai": OTHER})
    proc = subprocess.run([sys.executable, "-m", "course", "similarity", str(tmp_path / "class"), "-e", "exercise3",
                           "--html", str(tmp_path / "s.html"), "--json", str(tmp_path / "s.json"), "--lang", "en"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("ann ↔ bea: exercise3/activations.py")
    assert "ann ↔ bea" in (tmp_path / "s.html").read_text()
    doc = json.loads((tmp_path / "s.json").read_text())
    assert [(d["left"], d["right"]) for d in doc] == [("ann", "bea")] and doc[0]["code"][0]["shared"] >= 3
    bad = subprocess.run([sys.executable, "-m", "course", "similarity", str(tmp_path / "class"), "-e", "nope"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert bad.returncode == 2
