"""``course grade FOLDER...``: the instructor's command (public and hidden checks, a whole class at once)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from course.cli.options import (device_option, isolation_option, lang_option, memory_option, require_device,
                                require_isolation, resolve_lang, timeout_option)
from course.i18n import pick, tr

# Exit statuses; docs/grading.md explains each one.
EXIT_OK, EXIT_KIT_ERROR, EXIT_USAGE, EXIT_EXPORT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BELOW_MAX = 4   # --format classroom only: the job fails below full marks, as GitHub's reporter makes it


def _write(path: str, text: str) -> None:
    if path == "-":
        click.echo(text, nl=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8", newline="\n")


def _summary(results, lang: str = "en") -> str:
    from rich.cells import cell_len

    learner, score = pick(tr("learner", "学習者"), lang), pick(tr("score", "得点"), lang)
    width = max([cell_len(r.submission) for r in results] + [cell_len(learner)])

    def row(name: str, value: str) -> str:
        return f"{name}{' ' * (width - cell_len(name))}  {value}"

    lines = [row(learner, score)] + [row(r.submission, f"{r.score:g}/{r.max_score:g}") for r in results]
    return "\n".join(lines) + "\n"


def _formatted(fmt: str, results, elapsed: float, assignment: str | None = None, lateness=None,
               lang: str = "en") -> str:
    from course import export
    if fmt == "json":
        return export.to_json(results)
    if fmt == "gradescope":
        from course.export import gradescope
        if len(results) != 1:
            raise click.UsageError(f"--format gradescope describes one submission; {len(results)} were graded")
        return gradescope.dumps(results[0], execution_time=elapsed)
    if fmt == "classroom":
        from course.export import classroom
        return classroom.notices(results)
    if fmt in ("canvas", "moodle"):
        from course.export import lms
        return getattr(lms, fmt)(results, assignment or "dlkit", lateness)
    return _summary(results, lang)


def _lateness(submissions, due: str | None, rule: str):
    """Submission times, due date and penalty rule for the CSV exports (LatenessError for a bad option)."""
    from course.export.csv_export import Lateness
    from course.export.lateness import LateRule, parse_time, submission_time
    return Lateness({s.learner: submission_time(s.source) for s in submissions},
                    parse_time(due) if due else None, LateRule.parse(rule))


def _gradebook(results, url: str, assignment: str, timestamps: dict) -> None:
    try:
        from course.export.gradebook import write_gradebook
        import nbgrader  # noqa: F401  (checked here so the message names what to install)
    except ImportError as exc:
        raise click.ClickException(f"--gradebook needs nbgrader ({exc}); install it with "
                                   f"pip install 'dl-course-kit[instructor]'") from None
    write_gradebook(results, url, assignment=assignment, timestamps=timestamps)


def _cluster(scheduler: str | None, shared_fs: bool, jobs: int | None, exercises, progress,
             isolation: str | None = None):
    """The Dask runner for ``--scheduler`` (None: the local pool), checked before anything is graded."""
    if scheduler is None:
        if shared_fs:
            raise click.UsageError("--shared-fs goes with --scheduler (local grading reads the folders directly)")
        return None
    if jobs is not None:
        raise click.UsageError("--jobs sizes the local pool; with --scheduler the cluster's workers grade "
                               "(local:N starts N of them)")
    try:
        from course.batch.cluster import ClusterError, DaskRunner
    except ImportError as exc:
        raise click.UsageError(f"--scheduler needs Dask ({exc}); install it with "
                               f"pip install 'dl-course-kit[cluster]'") from None
    try:
        return DaskRunner(scheduler, shared_fs=shared_fs, torch=any(e.torch for e in exercises),
                          say=lambda line: progress.console.print(line, markup=False, soft_wrap=True),
                          accept_process=isolation == "process")
    except ClusterError as exc:
        raise click.UsageError(str(exc)) from None


@click.command(epilog="""\b
Exit status:
  0    every exercise was graded (whatever the scores)
  1    the kit could not grade some exercise (a kit problem, reported per check; not stored, so a rerun
       grades it again); every other result was still stored and exported
  2    usage error: bad option, no submission found, duplicate learner id, unusable --store file
  3    grading finished and was stored, but an export (--gradebook, a file) could not be written
  4    --format classroom: points below the maximum (fails the Classroom job, as GitHub's reporter does)
  130  interrupted (Ctrl-C); what was graded is stored and the next run resumes from there""")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--exercise", "-e", "exercise_names", multiple=True,
              help="Grade only these exercises (repeatable; default: all).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Exercises graded in parallel (default: the cores this process may use, a container's CPU "
                   "quota included).")
@click.option("--store", "store_path", type=click.Path(dir_okay=False), default="grades.sqlite", show_default=True,
              help="SQLite results store: results are kept as they finish, and unchanged submissions are not "
                   "graded again.")
@click.option("--no-store", is_flag=True, help="Keep no results store (grade everything, write nothing).")
@click.option("--force", is_flag=True, help="Grade again even what the store holds unchanged.")
@click.option("--assignment", default=None,
              help="Assignment name: picks it in nbgrader's submitted/<student>/<assignment>/ layout and names "
                   "it in --csv and --gradebook (default there: dlkit).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the results (a JSON array, one object per submission, in argument order) ('-': stdout).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), default=None, help="Write JUnit XML.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Write a CSV with nbgrader's export columns (submission timestamps, late penalty) and one "
                   "column per exercise.")
@click.option("--due", default=None, help="Due date, e.g. '2026-12-01 17:00' (UTC) or '2026-12-01T17:00+09:00': "
                                          "later submissions get the --late-penalty in the CSV exports.")
@click.option("--late-penalty", "late_penalty", default="none", show_default=True,
              help="As nbgrader: none, zero (the whole score), or points per hour or day late (e.g. 1/hour).")
@click.option("--gradebook", "gradebook_url", default=None,
              help="Also write the grades into this nbgrader gradebook (e.g. sqlite:///gradebook.db).")
@click.option("--format", "fmt", type=click.Choice(["summary", "json", "gradescope", "classroom", "canvas", "moodle"]),
              default="summary", show_default=True,
              help="What to print: a score table, the JSON array, Gradescope's results.json (one submission), "
                   "GitHub Classroom's report, or the gradebook-import CSV of Canvas or Moodle.")
@click.option("--output", "-o", default="-", show_default=True, help="Where --format goes ('-': stdout).")
@click.option("--scheduler", default=None, metavar="ADDRESS|local:N",
              help="Grade on a Dask cluster instead of --jobs local processes: the address of a running scheduler "
                   "(tcp://HOST:8786), or local:N for a LocalCluster of N workers started here. Needs "
                   "pip install 'dl-course-kit[cluster]'; see docs/scaling.md.")
@click.option("--shared-fs", is_flag=True,
              help="With --scheduler: the workers see the submissions at the same paths, so units carry no files.")
@lang_option
@timeout_option
@memory_option
@device_option
@isolation_option
def grade(folders, exercise_names, jobs, store_path, no_store, force, assignment, json_path, junit_path, csv_path,
          due, late_penalty, gradebook_url, fmt, output, scheduler, shared_fs, lang, timeout, memory, device,
          isolation):
    """Grade submissions with every check, public and hidden.

    Each FOLDER is a submission (a learner's exercises/ folder or a folder holding one; its name is the
    learner id), a class folder with one submission folder per learner, or nbgrader's submitted/ folder
    (submitted/<student>/<assignment>/). Results go into the results store as each exercise finishes, so an
    interrupted run resumes where it stopped when run again.
    """
    import time

    from course import registry
    from course.batch.discover import DiscoveryError, discover
    from course.batch.discover import submission_folders
    from course.batch.pool import RunnerError, Settings, grade_class
    from course.batch.progress import ClassProgress
    from course.export.lateness import LatenessError
    from course.cpus import usable_cpus
    from course.store import ResultStore, StoreError

    started = time.monotonic()
    require_device(device)
    accepted = ""           # a cluster's workers report their own isolation (course.batch.cluster)
    if scheduler is None:
        accepted = require_isolation(isolation)
    try:
        chosen = [registry.get(n) for n in exercise_names] if exercise_names else list(registry.exercises())
        submissions = discover([Path(f) for f in folders], assignment)
        lateness = _lateness(submissions, due, late_penalty)
        store = ResultStore(":memory:" if no_store else Path(store_path))
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    except (DiscoveryError, StoreError, LatenessError) as exc:
        raise click.UsageError(str(exc))
    for sub in submissions:     # e.g. notebook cells not in the assignment: never run, but worth a look
        for note in sub.notes:
            click.echo(f"{sub.learner}: {note}", err=True)
    settings = Settings(lang=resolve_lang(lang), device=device, timeout=timeout, memory_gib=memory,
                        hide=tuple(str(p) for p in submission_folders(submissions)), isolation=accepted)
    try:
        with store, ClassProgress() as progress:
            runner = _cluster(scheduler, shared_fs, jobs, chosen, progress, isolation)
            outcome = grade_class(submissions, chosen, store, settings=settings, jobs=jobs or usable_cpus(),
                                  force=force, progress=progress, runner=runner)
    except RunnerError as exc:     # the cluster asked for cannot be reached
        raise click.UsageError(str(exc))
    except KeyboardInterrupt:
        click.echo(pick(tr(f"interrupted; finished results are in {store_path}, run the same command to resume",
                           f"中断しました。終わった結果は {store_path} にあり、同じコマンドで続きから再開します"),
                        settings.lang), err=True)
        sys.exit(EXIT_INTERRUPTED)
    results = outcome.results
    took = time.monotonic() - started
    click.echo(pick(tr(f"graded {outcome.graded} exercise(s), reused {outcome.reused} from the store in {took:.1f} s",
                       f"{outcome.graded} 個の演習を採点し、{outcome.reused} 個は保存済みの結果を使いました ({took:.1f} 秒)"),
                    settings.lang), err=True)
    for line in outcome.errors:
        click.echo(pick(tr("kit error: ", "キットのエラー: "), settings.lang) + line, err=True)

    status = EXIT_KIT_ERROR if outcome.errors else EXIT_OK
    if fmt == "summary" and output == "-" and "-" in (json_path, junit_path, csv_path):
        output = None   # stdout carries the asked-for file; the score table would corrupt it
        click.echo(_summary(results, settings.lang), err=True, nl=False)
    writers = [(json_path, lambda: _formatted("json", results, 0)),
               (junit_path, lambda: __import__("course.export.junit", fromlist=["x"]).to_xml(results)),
               (csv_path, lambda: __import__("course.export.csv_export", fromlist=["x"]).to_csv(
                   results, assignment or "dlkit", lateness)),
               (output, lambda: _formatted(fmt, results, time.monotonic() - started, assignment, lateness,
                                           settings.lang))]
    for path, make in writers:
        if path:
            try:
                _write(path, make())
            except OSError as exc:
                click.echo(pick(tr(f"could not write {path}: {exc}", f"{path} に書き込めませんでした: {exc}"),
                                settings.lang), err=True)
                status = max(status, EXIT_EXPORT)
    if fmt == "classroom" and status == EXIT_OK:
        from course.export import classroom
        status = EXIT_BELOW_MAX if classroom.below_maximum(results) else status
    if gradebook_url:
        try:
            _gradebook(results, gradebook_url, assignment or "dlkit", lateness.timestamps)
        except Exception as exc:  # the grades are stored; a gradebook problem must not hide the other exports
            click.echo(pick(tr(f"could not write the gradebook {gradebook_url}: {exc}",
                               f"成績簿 {gradebook_url} に書き込めませんでした: {exc}"), settings.lang), err=True)
            status = max(status, EXIT_EXPORT)
    sys.exit(status)
