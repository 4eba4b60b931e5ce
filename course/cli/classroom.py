"""``course classroom``: write the GitHub Classroom autograding workflow for learners' repositories."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--kit-repo", required=True, help="owner/name of the (private) repository holding this kit.")
@click.option("--kit-ref", default="main", show_default=True, help="Branch or tag of the kit to grade with.")
@click.option("--exercise", "-e", "exercise_names", multiple=True,
              help="Exercises this assignment grades (repeatable; default: all).")
@click.option("--timeout", type=click.IntRange(min=1), default=30, show_default=True,
              help="Minutes before GitHub stops the grading job.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=".github/workflows/classroom.yml",
              show_default=True)
def classroom(kit_repo, kit_ref, exercise_names, timeout, output):
    """Write the workflow that grades a learner's repository on every push.

    Put it in the assignment's template repository. The job checks out the kit at KIT_REF with the secret
    COURSE_KIT_TOKEN (a read-only token for the kit repository; no checkout keeps it), installs the kit with its
    pinned versions (pip cached), allows the sandbox's user namespaces on GitHub's ubuntu-24.04 runner, grades
    exercises/ with public and hidden checks, prints the official reporter's table with one test per check and
    the "Autograding report" notice that Classroom reads for the points, and fails below full marks.
    Exit status: 0 written, 2 usage error.
    """
    from course import registry
    from course.export import install_options, template

    try:
        chosen = [registry.get(n) for n in exercise_names] if exercise_names else list(registry.exercises())
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    if kit_repo.count("/") != 1:
        raise click.UsageError(f"--kit-repo must be owner/name, not {kit_repo!r}")
    extras, pip_options = install_options(chosen)
    text = template("classroom/classroom.yml", kit_repo=kit_repo, kit_ref=kit_ref, timeout=str(timeout),
                    extras=extras, pip_options=pip_options,
                    exercises=" ".join(f"-e {e.id}" for e in chosen) if exercise_names else "")
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}; add the secret COURSE_KIT_TOKEN to the organisation or template repository")
