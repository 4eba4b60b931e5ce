"""The graders follow their own rules: hidden checks live in hidden/, ids are unique, every check has points,
a title and a Japanese title, and every diagnosis code a grader names is in the catalogue."""
import ast
import re

import pytest

from course import paths, registry
from course.mistakes import catalogue


def _checks(exercise):
    """(file, function name, @check keyword dict, positional args) for every check of an exercise."""
    found = []
    for path in sorted(paths.graders_dir(exercise).rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "id", None) == "check":
                    kw = {k.arg: k.value for k in dec.keywords}
                    found.append((path, node, kw, dec.args))
    return found


EXERCISES = [ex.id for ex in registry.exercises() if paths.graders_dir(ex.id).is_dir()]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hidden_checks_live_in_hidden_folder(exercise):
    for path, node, kw, _ in _checks(exercise):
        hidden = isinstance(kw.get("hidden"), ast.Constant) and kw["hidden"].value is True
        assert hidden == (path.parent.name == "hidden"), f"{path.name}::{node.name}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_test_is_a_titled_check_with_a_unique_id(exercise):
    ids = []
    for path, node, kw, args in _checks(exercise):
        assert ast.get_docstring(node), f"{node.name} has no docstring (its English title)"
        assert "ja" in kw, f"{node.name} has no Japanese title"
        ids.append(args[0].value)
    assert len(ids) == len(set(ids)), "duplicate check ids"
    tests = [n.name for p in paths.graders_dir(exercise).rglob("test_*.py")
             for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]
    assert len(tests) == len(ids), "a test function without @check"


def _diagnosis_literals(tree):
    """String constants that can become a diagnosis: under a `diagnosis=`/`diagnose=` argument, or returned
    by a function whose name says it diagnoses."""
    code = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
    roots = [k.value for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg in ("diagnosis", "diagnose")]
    roots += [r.value for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and "diagnos" in f.name
              for r in ast.walk(f) if isinstance(r, ast.Return) and r.value is not None]
    return {n.value for root in roots for n in ast.walk(root)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and code.match(n.value)}


def test_diagnosis_codes_in_graders_are_catalogued():
    known = set(catalogue())
    unknown = set()
    for exercise in EXERCISES:
        for path in paths.graders_dir(exercise).rglob("*.py"):
            unknown |= _diagnosis_literals(ast.parse(path.read_text(encoding="utf-8"))) - known
    assert not unknown, f"codes used by graders but missing from course/mistakes: {sorted(unknown)}"


def test_the_diagnosis_scan_finds_codes():
    tree = ast.parse("def diagnose_x(g):\n    return 'made-up-code' if g else None\n"
                     "f(diagnosis='other-code', hint='one-hot')")
    assert _diagnosis_literals(tree) == {"made-up-code", "other-code"}
