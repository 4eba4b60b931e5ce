"""One nbgrader source notebook per exercise, built from the kit's solution and graders.

Solution cells hold whole modules behind the ``%%module`` cell magic (:mod:`course.nbgrader.cell`), which
writes them to ``exerciseN/<module>.py`` instead of running them: learner code then runs only in the
kit's sandbox, exactly as with ``course check``. Every function body is a ``### BEGIN SOLUTION`` region, so
``nbgrader generate_assignment`` leaves the signatures and docstrings and stubs the bodies. Each check is
one test cell (grade id from :func:`~course.export.gradebook.grade_cell_name`, points from its marker), so
nbgrader's gradebook has the same rows that ``write_gradebook`` writes.
"""
from __future__ import annotations

import ast

import nbformat

from course import paths, registry
from course.export.gradebook import grade_cell_name
from course.i18n import pick
from course.nbgrader import layout
from course.nbgrader.catalog import CheckInfo

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def mark_solution_regions(source: str) -> str:
    """``source`` with the body of every top-level function and method wrapped in a solution region.

    The docstring stays outside the region, so learners keep the instructions; nested functions are part
    of their enclosing body.
    """
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        functions += [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    lines = source.splitlines()
    regions = []
    for fn in functions:
        body = fn.body
        if isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]
        if not body:
            continue
        if body[0].lineno == fn.lineno:
            raise ValueError(f"{fn.name}: a body on the 'def' line cannot become a solution region")
        first = body[0].lineno - 1
        regions.append((first, body[-1].end_lineno, lines[first][:body[0].col_offset]))
    for first, last, indent in sorted(regions, reverse=True):
        lines[last:last] = [indent + END]
        lines[first:first] = [indent + BEGIN]
    return "\n".join(lines) + "\n"


def with_stub_docstrings(solution: str, stub: str) -> str:
    """``solution`` with the learner stub's docstrings (the module's, and each function's and method's the stub
    also has) in place of its own: what stays outside the solution regions reaches the released notebook, and the
    solution's docstrings are the kit's (the module's says "reference solution"), not the learner's instructions."""
    theirs = _docstrings(stub)
    stub_lines, lines = stub.splitlines(), solution.splitlines()
    edits = []
    for name, (first, last) in _docstrings(solution).items():
        if name in theirs and theirs[name][0] != theirs[name][1]:
            stub_first, stub_last = theirs[name]
            edits.append((first, last, stub_lines[stub_first:stub_last]))
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first:last] = replacement
    return "\n".join(lines) + "\n"


def _docstrings(source: str) -> dict[str, tuple[int, int]]:
    """``{qualified name: (first line index, end line index)}`` of the docstring of the module (name ``""``),
    of each top-level function and class, and of their methods; one without a docstring has an empty span
    where its body starts (a docstring goes there)."""
    found = {}

    def visit(node, name):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            found[name] = (body[0].lineno - 1, body[0].end_lineno)
        elif body and not isinstance(node, ast.Module):
            found[name] = (body[0].lineno - 1, body[0].lineno - 1)
        for child in body:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                    (isinstance(node, ast.Module) or isinstance(node, ast.ClassDef)):
                visit(child, f"{name}.{child.name}" if name else child.name)

    visit(ast.parse(source), "")
    return found


def _cell(kind: str, source: str, grade_id: str, *, grade=False, solution=False, locked=True, points=None):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    meta = {"schema_version": 3, "grade_id": grade_id, "grade": grade, "solution": solution, "locked": locked}
    if grade:
        meta["points"] = points
    return make(source, metadata={"nbgrader": meta})


def test_source(exercise: str, check: CheckInfo, device: str = "cpu") -> str:
    """The code of a check's test cell; a hidden check's call is a hidden-tests region."""
    call = f"run_checks({exercise!r}, {check.id!r}" + (f", device={device!r})" if device != "cpu" else ")")
    if check.hidden:
        return f"# hidden check (runs when grading)\n### BEGIN HIDDEN TESTS\n{call}\n### END HIDDEN TESTS"
    return f"# {check.title}\n{call}"


def build(exercise: registry.Exercise, checks: list[CheckInfo], lang: str = "en",
          device: str = "cpu") -> nbformat.NotebookNode:
    """The instructor's source notebook of ``exercise``, graded on ``device`` (a PyTorch exercise's GPU checks
    get cells only with ``"cuda"``: a cell's points are fixed, and a check not run must not score)."""
    device = device if exercise.torch else "cpu"
    readme = paths.kit_root() / "exercises" / exercise.id / "README.md"
    intro = f"# {exercise.id}: {pick(exercise.title, lang)}\n\n" + (
        readme.read_text(encoding="utf-8") if readme.is_file() else "")
    intro += ("\n\nWrite your code in the cells that start with `%%module`, run them, then run the check cells "
              "below them.\n`%%module` で始まるセルにコードを書いて実行し、その下のチェックのセルを実行します。")
    cells = [_cell("markdown", intro, layout.intro_id(exercise.id)),
             _cell("code", "from course.nbgrader.cell import run_checks, use_magics\nuse_magics()",
                   layout.setup_id(exercise.id))]
    for module in exercise.modules:
        source = (paths.solutions_dir(exercise.id) / f"{module}.py").read_text(encoding="utf-8")
        stub = paths.kit_root() / "exercises" / exercise.id / f"{module}.py"
        if stub.is_file():
            source = with_stub_docstrings(source, stub.read_text(encoding="utf-8"))
        cells.append(_cell("code", layout.module_header(exercise.id, module) + "\n" + mark_solution_regions(source),
                           layout.module_id(exercise.id, module), solution=True, locked=False))
    for check in checks:
        if check.gpu and device != "cuda":
            continue
        cells.append(_cell("code", test_source(exercise.id, check, device), grade_cell_name(check.id), grade=True,
                           points=check.points))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb
