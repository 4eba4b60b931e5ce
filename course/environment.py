"""Where the learner runs (a laptop, Colab, a Jupyter kernel) and the one line that installs what is missing.

Every optional dependency of the learner commands is named here once, with the command that installs it where
the learner is: a missing one is a single clear line, never a traceback.
"""
from __future__ import annotations

import importlib.util
import os
import sys

from course.i18n import pick, tr

# PyTorch's own index of CPU-only wheels: the default PyPI wheel for Linux carries CUDA (several GB).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

# module -> (what needs it, pip requirement)
OPTIONAL = {
    "watchfiles": (tr("course watch", "course watch"), "watchfiles"),
    "matplotlib": (tr("drawing the graph (--png)", "グラフの描画 (--png)"), "matplotlib"),
    "IPython": (tr("the notebook commands (%course)", "ノートブックのコマンド (%course)"), "ipython"),
}


def on_colab() -> bool:
    """True inside a Google Colab runtime (which sets COLAB_RELEASE_TAG and ships google.colab)."""
    return "COLAB_RELEASE_TAG" in os.environ or "google.colab" in sys.modules


def in_notebook() -> bool:
    """True inside a Jupyter/IPython kernel, where a shell command is written ``%pip``."""
    return "ipykernel" in sys.modules


def has(module: str) -> bool:
    """True when ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def pip_command(requirement: str) -> str:
    """``pip install …`` as the learner types it here (``%pip`` in a notebook)."""
    return f"{'%pip' if in_notebook() else 'pip'} install {requirement}"


def torch_install_command(lang: str = "en") -> str:
    """The command that installs PyTorch where the learner is: on Colab it is preinstalled (a restart of the
    runtime brings it back); on Linux and Windows the CPU-only wheel (the default one pulls CUDA); on macOS the
    default wheel is the CPU one."""
    if on_colab():
        return pick(tr("PyTorch comes with Colab: Runtime → Restart session, then run the cells again",
                       "Colab には PyTorch が入っています: ランタイム → セッションを再起動 してからセルを実行し直してください"),
                    lang)
    if sys.platform == "darwin":
        return pip_command("torch torchvision")
    return pip_command(f"torch torchvision --index-url {TORCH_CPU_INDEX}")


def needs_torch(exercise_id: str, lang: str) -> str:
    """One line: this exercise needs PyTorch, and how to install it here."""
    command = torch_install_command(lang)
    return pick(tr(f"{exercise_id} needs PyTorch, which is not installed. Install it: {command}",
                   f"{exercise_id} には PyTorch が必要ですが入っていません。インストール: {command}"), lang)


def missing(module: str, lang: str) -> str:
    """One line: ``module`` is missing for what needs it, and the command that installs it."""
    purpose, requirement = OPTIONAL[module]
    command = pip_command(requirement)
    return pick(tr(f"{pick(purpose, 'en')} needs {requirement}, which is not installed. Install it: {command}",
                   f"{pick(purpose, 'ja')} には {requirement} が必要ですが入っていません。インストール: {command}"),
                lang)
