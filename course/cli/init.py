"""``course init [DIR]``: write the exercises (stubs and instructions) into a learner's folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang

DEFAULT_DIR = "dl-course"
LEARNER_README = Path(__file__).resolve().parents[1] / "templates" / "learner" / "README.md"


def write_exercises(target: Path) -> tuple[list[str], list[str]]:
    """Copy every shipped exercise into ``target/exercises`` and the learner README beside it; a file that is
    already there is kept (it may hold the learner's work). Returns (files written, files kept)."""
    from course import paths, registry

    source = paths.kit_root() / "exercises"
    written, kept = [], []
    pairs = [(f, target / "exercises" / ex.id / f.name) for ex in registry.exercises()
             if (source / ex.id).is_dir() for f in sorted((source / ex.id).iterdir())
             if f.is_file() and f.suffix in (".py", ".md")]
    if LEARNER_README.is_file():
        pairs.append((LEARNER_README, target / "README.md"))
    for src, dest in pairs:
        rel = str(dest.relative_to(target))
        if dest.exists():
            kept.append(rel)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        written.append(rel)
    return written, kept


@click.command()
@click.argument("directory", default=DEFAULT_DIR, type=click.Path(file_okay=False))
@lang_option
def init(directory, lang):
    """Write the exercises into DIRECTORY (default: ./dl-course): DIRECTORY/exercises/exerciseN with the stubs
    and instructions, and a README. Files already there are kept, so running it again after a new release adds
    the new exercises without touching your work.
    """
    from course.i18n import pick, tr

    lang = resolve_lang(lang)
    target = Path(directory).resolve()
    try:
        written, kept = write_exercises(target)
    except OSError as exc:
        raise click.ClickException(pick(tr(f"could not write the exercises into {target}: {exc}",
                                           f"{target} に演習を書き込めませんでした: {exc}"), lang))
    if not written and not kept:
        raise click.ClickException(pick(tr("this installation ships no exercises (a broken package?)",
                                           "このインストールには演習が入っていません (パッケージが壊れている?)"), lang))
    click.echo(pick(tr(f"wrote {len(written)} files into {target}", f"{target} に {len(written)} 個のファイルを書きました"),
                    lang) + (pick(tr(f"; kept {len(kept)} that were already there",
                                     f" (既にある {len(kept)} 個はそのまま)"), lang) if kept else ""))
    here = Path.cwd().resolve()
    cd = "" if target == here else f"cd {target if not target.is_relative_to(here) else target.relative_to(here)} && "
    click.echo(pick(tr(f"next: {cd}course check exercise0", f"次は: {cd}course check exercise0"), lang))
