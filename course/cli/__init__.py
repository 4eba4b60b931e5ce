"""The ``course`` command. Each subcommand lives in its own module and is imported only when used,
so ``course check exercise1`` pays for NumPy and pytest but never for torch or nbgrader."""
from __future__ import annotations

import importlib
import importlib.util

import click

from course import __version__

# name -> "module:function"; a module that is not there (a learner bundle leaves some out) hides the command.
COMMANDS = {
    "init": "course.cli.init:init",
    "check": "course.cli.check:check",
    "watch": "course.cli.watch:watch",
    "hint": "course.cli.hint:hint",
    "grade": "course.cli.grade:grade",
    "mistakes": "course.cli.mistakes:mistakes",
    "demo": "course.cli.demo:demo",
    "report": "course.cli.report:report",
    "feedback": "course.cli.feedback:feedback",
    "similarity": "course.cli.similarity:similarity",
    "release": "course.cli.release:release",
    "nbgrader": "course.cli.nbgrader:nbgrader",
    "gradescope": "course.cli.gradescope:gradescope",
    "classroom": "course.cli.classroom:classroom",
    "explain": "course.cli.explain:explain",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._spec(name)]

    @staticmethod
    def _spec(name):
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx, name):
        if name not in COMMANDS or not self._spec(name):
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx):
        from course.paths import NoExercisesFound
        try:
            return super().invoke(ctx)
        except NoExercisesFound as exc:       # a learner command run outside the learner's folder
            raise click.UsageError(str(exc)) from None

    def format_help_text(self, ctx, formatter):
        # The learner package has no instructor commands: its help must not offer them.
        self.help = LEARNER_HELP + (INSTRUCTOR_HELP if self._spec("grade") else "")
        super().format_help_text(ctx, formatter)


LEARNER_HELP = """Deep-learning exercises with graders that explain (日本語/English).

\b
Learners:     course init [DIR]           write the exercises into DIR (then cd DIR)
              course check exercise3      public checks of one exercise
              course check                progress over all exercises
              course watch exercise3      re-check on every save
              course hint exercise3       the next hint for the first failing check
"""
INSTRUCTOR_HELP = """
\b
Instructors:  course grade CLASS_DIR --jobs 2 --json results.json
              course demo                 grade a bundled sample class end to end
              course nbgrader init DIR    an nbgrader course graded by the kit
              course gradescope build     autograder.zip;  course classroom: a workflow
              course release OUT          the learner package (wheel, folder, notebooks)
              course report results.json  class report, roster and feedback pages
              course similarity CLASS     pairs of submissions unusually alike
"""


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def main():
    """Deep-learning exercises with graders that explain (日本語/English)."""
