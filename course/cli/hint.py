"""``course hint EXERCISE [CHECK]``: the next rung of a check's hint ladder."""
from __future__ import annotations

import click

from course.cli.options import lang_option, resolve_lang


def ladder_lines(exercise: str, check: str, title: str, rungs: tuple, seen: int, lang: str) -> list[str]:
    """The rungs seen so far of one check's ladder, and what to do for the next one."""
    from course.checks.hints import rung_label
    from course.i18n import pick, tr

    lines = [f"{exercise} · {check} — {title}"]
    lines += [f"  {rung_label(i, len(rungs), lang)}: {pick(rungs[i], lang)}" for i in range(seen)]
    if seen < len(rungs):
        lines.append(pick(tr(f"  ({len(rungs) - seen} more: course hint {exercise} {check})",
                             f"  (あと {len(rungs) - seen} 段: course hint {exercise} {check})"), lang))
    else:
        lines.append(pick(tr("  (that was the last hint)", "  (これが最後のヒントです)"), lang))
    return lines


def first_failing(folder, exercise, lang: str) -> str | None:
    """The id of the first public check of ``exercise`` that does not pass on ``folder``, if any."""
    from course.cli.check import grade_public
    from course.sandbox.launch import start_fork_server

    start_fork_server(torch=exercise.torch)
    result, skipped = grade_public(folder, [exercise], lang)
    if skipped:
        raise click.ClickException(skipped[exercise.id])
    return next((c.id for c in result.exercises[0].checks if c.status not in ("passed", "skipped")), None)


@click.command()
@click.argument("exercise")
@click.argument("check_id", metavar="[CHECK]", required=False)
@click.option("--path", "path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Your exercises/ folder (default: $COURSE_EXERCISES, else found from the current directory up).")
@click.option("--reset", is_flag=True, help="Forget the hints seen for EXERCISE and stop.")
@lang_option
def hint(exercise, check_id, path, reset, lang):
    """Show the next hint for CHECK of EXERCISE (default: its first failing public check).

    Each check's hints are a ladder: a nudge, then the idea or formula, then nearly the code. Each call shows
    one more rung; the rungs seen are kept in .course-hints.json beside your exercises/ folder.
    """
    from course import paths
    from course.checks.hints import HintState, ladders
    from course.cli import usage
    from course.i18n import pick, tr

    lang = resolve_lang(lang)
    ex = usage.exercise(exercise, lang)
    folder = paths.find_exercises_dir(path) if path else paths.find_learner_copy()
    state = HintState(folder)
    if reset:
        state.reset(ex.id)
        click.echo(pick(tr(f"forgot the hints seen for {ex.id}", f"{ex.id} のヒントの記録を消しました"), lang))
        return
    rungs, titles = ladders(ex.id)
    if check_id is None:
        check_id = first_failing(folder, ex, lang)
        if check_id is None:
            click.echo(pick(tr(f"every public check of {ex.id} passes: no hint needed",
                               f"{ex.id} の公開チェックはすべて合格です。ヒントは不要です"), lang))
            return
    elif check_id not in rungs:
        raise click.UsageError(pick(tr(f"{ex.id} has no public check {check_id!r} (its checks: {', '.join(rungs)})",
                                       f"{ex.id} に公開チェック {check_id!r} はありません (チェック: {', '.join(rungs)})"),
                                    lang))
    ladder = rungs.get(check_id, ())
    if not ladder:
        click.echo(pick(tr(f"{check_id} has no hint", f"{check_id} にはヒントがありません"), lang))
        return
    seen = state.advance(ex.id, check_id, len(ladder))
    click.echo("\n".join(ladder_lines(ex.id, check_id, pick(titles[check_id], lang), ladder, seen, lang)))
