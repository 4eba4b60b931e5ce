"""``course similarity CLASS``: pairs of submissions that are unusually alike, with the evidence."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


def similar_pairs(folders, exercise_names, base, results_path):
    """The flagged pairs of the submissions in ``folders`` (usage errors as click exceptions)."""
    from course import registry
    from course.batch.discover import DiscoveryError, discover
    from course.cli.feedback import load_results
    from course.similarity.pairs import find

    try:
        chosen = [registry.get(n) for n in exercise_names] if exercise_names else list(registry.exercises())
        submissions = discover([Path(f) for f in folders])
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    except DiscoveryError as exc:
        raise click.UsageError(str(exc))
    results = load_results(results_path) if results_path else []
    return find(submissions, chosen, base=[Path(b) for b in base], results=results)


base_option = click.option("--base", "base", multiple=True, type=click.Path(exists=True, file_okay=False),
                           help="Code every learner may follow (e.g. the textbook's): what matches it is not "
                                "evidence. Repeatable; the stubs always count as base.")


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (default: all).")
@base_option
@click.option("--results", "results_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The JSON of `course grade --json` for these submissions: adds the behaviour evidence "
                   "(the same wrong outputs and rare named mistakes on the same checks).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Write the evidence side by side to this HTML page.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the flagged pairs and their evidence as JSON.")
@lang_option
def similarity(folders, exercise_names, base, results_path, html_path, json_path, lang):
    """Flag pairs of submissions in FOLDERS (a class folder, or submissions) that are unusually alike.

    By code: MOSS-style fingerprints of each module with identifiers and comments normalised away, minus
    the stubs, the --base folders and passages more than half the class shares. By behaviour (with
    --results): rare wrong outputs and named mistakes two learners share on the same checks. It flags; you
    decide. Exit status: 0 (whether or not pairs were flagged), 2 usage error.
    """
    from course.similarity import html

    lang = resolve_lang(lang)
    pairs = similar_pairs(folders, exercise_names, base, results_path)
    for line in html.summary_lines(pairs, lang):
        click.echo(line)
    if html_path:
        Path(html_path).write_text(html.page(pairs, lang, "course similarity"), encoding="utf-8")
        click.echo(f"wrote {html_path}")
    if json_path:
        doc = [{"left": p.left, "right": p.right,
                "code": [{k: v for k, v in asdict(m).items() if not k.endswith("_lines")} for m in p.code],
                "behaviour": [asdict(e) for e in p.behaviour.events] if p.behaviour else []} for p in pairs]
        Path(json_path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
