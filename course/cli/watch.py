"""``course watch [EXERCISE]``: re-check on every save, showing the first failing check with its diagnosis and
the hints seen so far.

The process stays up: its fork server (NumPy, and torch once a PyTorch exercise is checked) is started once,
so a re-check costs the checks themselves, not Python's start-up. Saving ``.course-hints.json`` (which
``course hint`` does in another terminal) shows the new rung here too.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang

# Milliseconds that changes are gathered for before a re-check: an editor's save is often several writes
# (a temporary file, a rename, a chmod); long enough to see them as one save, short enough not to be felt.
DEBOUNCE_MS = 50
STEP_MS = 10
# How often the hint state beside exercises/ is looked at (it is not watched: that would mean watching the
# learner's whole parent folder, possibly a home directory, recursively).
STATE_POLL_MS = 500
STYLES = {"green": {"fg": "green"}, "red": {"fg": "red"}, "magenta": {"fg": "magenta"}, "cyan": {"fg": "cyan"},
          "bold": {"bold": True}, "dim": {"dim": True}}


def first_failure_lines(result, lang: str, state) -> list[tuple[str, str]]:
    """(text, colour) lines: the score, then the first failing check's message, diagnosis and hints seen."""
    from course.checks.hints import ladders, rung_label
    from course.i18n import LABELS, pick, tr

    failing = next((c for c in result.checks if c.status not in ("passed", "skipped")), None)
    mark = "✓" if failing is None else "✗"
    lines = [(f"{mark} {result.id} {result.score:g}/{result.max_score:g}  "
              f"({time.strftime('%H:%M:%S')}, {result.duration:.2f} s)", "green" if failing is None else "red")]
    if failing is None:
        lines.append((pick(tr("every public check passes", "公開チェックはすべて合格です"), lang), "green"))
        return lines
    lines.append((f"{failing.title}  [{failing.id}]", "bold"))
    lines += [(f"  {line}", "") for line in failing.message.splitlines()]
    if failing.diagnosis:
        from course.mistakes import explain
        lines.append((f"  {pick(LABELS['diagnosis'], lang)} [{failing.diagnosis}] {explain(failing.diagnosis, lang)}",
                      "magenta"))
    rungs = ladders(result.id)[0].get(failing.id, ())
    seen = max(1, state.reached(result.id, failing.id))
    lines += [(f"  {rung_label(i, len(rungs), lang)}: {pick(rungs[i], lang)}", "cyan")
              for i in range(min(seen, len(rungs)))]
    if not rungs and failing.hint:
        lines.append((f"  {pick(LABELS['hint'], lang)}: {failing.hint}", "cyan"))
    if seen < len(rungs):
        lines.append((pick(tr(f"  next hint: course hint {result.id} {failing.id}",
                              f"  次のヒント: course hint {result.id} {failing.id}"), lang), "dim"))
    return lines


def _changed_exercises(changes, folder: Path, watched: list[str]) -> list[str]:
    """The watched exercises that a batch of file changes touches (one of their modules was saved)."""
    touched = {Path(name).parent.name for _, name in changes
               if Path(name).suffix == ".py" and Path(name).parent.parent == folder}
    return [ex for ex in watched if ex in touched]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@click.command()
@click.argument("exercise", required=False)
@click.option("--path", "path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Your exercises/ folder (default: $COURSE_EXERCISES, else found from the current directory up).")
@click.option("--clear/--no-clear", default=None, help="Clear the screen before each result (default: on a terminal).")
@lang_option
def watch(exercise, path, clear, lang):
    """Re-check EXERCISE each time one of its files is saved (without EXERCISE: whichever exercise was saved).

    Shows the first failing check, its diagnosis and the hints you have seen (`course hint` for the next one).
    Stop with Ctrl-C.
    """
    from course import environment, paths, registry
    from course.cli import usage

    lang = resolve_lang(lang)
    if not environment.has("watchfiles"):
        raise click.ClickException(environment.missing("watchfiles", lang))
    chosen = [usage.exercise(exercise, lang)] if exercise else list(registry.exercises())
    folder = paths.find_exercises_dir(path) if path else paths.find_learner_copy()
    clear = sys.stdout.isatty() if clear is None else clear
    try:
        _watch(folder, {ex.id: ex for ex in chosen}, lang, clear, initial=bool(exercise))
    except KeyboardInterrupt:
        pass
    from course.i18n import pick, tr
    click.echo(pick(tr("stopped watching", "監視を終了しました"), lang))


def _watch(folder: Path, chosen: dict, lang: str, clear: bool, *, initial: bool) -> None:
    import watchfiles

    from course.checks.hints import HintState
    from course.cli.check import grade_public
    from course.i18n import pick, tr
    from course.sandbox.launch import start_fork_server

    start_fork_server(torch=all(ex.torch for ex in chosen.values()))

    def show(exercise_id: str) -> None:
        result, skipped = grade_public(folder, [chosen[exercise_id]], lang)
        if clear:
            click.clear()
        if skipped:
            click.secho(skipped[exercise_id], fg="yellow")
        else:
            for text, colour in first_failure_lines(result.exercises[0], lang, HintState(folder)):
                click.secho(text, **STYLES.get(colour, {}))
        click.echo(pick(tr(f"watching {folder} (Ctrl-C to stop)", f"{folder} を監視中 (Ctrl-C で終了)"), lang),
                   err=True)

    last = next(iter(chosen)) if initial else None
    if last:
        show(last)
    else:
        click.echo(pick(tr(f"watching {folder}: save a module to check its exercise (Ctrl-C to stop)",
                           f"{folder} を監視中: モジュールを保存するとその演習をチェックします (Ctrl-C で終了)"), lang))
    state_file = HintState(folder).path
    state_seen = _mtime(state_file)
    for changes in watchfiles.watch(folder, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=STATE_POLL_MS,
                                    yield_on_timeout=True, raise_interrupt=True):
        saved = _changed_exercises(changes, folder, list(chosen))
        if not saved and last and _mtime(state_file) != state_seen:      # `course hint` showed a new rung
            saved = [last]
        state_seen = _mtime(state_file)
        for exercise_id in saved:
            show(exercise_id)
            last = exercise_id
