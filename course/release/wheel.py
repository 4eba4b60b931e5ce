"""The learner wheel: the bundle's package with its public graders and stubs inside, installable with one
``pip install``.

A wheel installs only inside its packages, so the bundle's ``graders/`` and ``exercises/`` go to
``course/kit/`` (where :func:`course.paths.kit_root` finds them). The wheel is written here rather than by a
build backend: its content is exactly the bundle that the leak scan passed, it needs no network or build
environment, and two releases of the same tree give the same bytes (fixed timestamps, sorted entries).
"""
from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from course import __version__, paths

DISTRIBUTION = "dl-course-kit"
# The learner commands' dependencies (the kit's core ones); the extras add what single commands need.
REQUIRES = ("numpy>=1.24,<3", "click>=8.1", "pytest>=7.4", "rich>=13")
EXTRAS = {"watch": ("watchfiles>=0.21",), "plot": ("matplotlib>=3.7",), "notebook": ("ipykernel>=6",)}
REQUIRES_PYTHON = ">=3.11"     # tomllib (the registry); Colab runs 3.12
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)     # the earliest date a zip can hold: reproducible bytes


def wheel_name(version: str = __version__) -> str:
    """The file name pip expects: ``dl_course_kit-0.1.0-py3-none-any.whl``."""
    return f"{DISTRIBUTION.replace('-', '_')}-{version}-py3-none-any.whl"


def _metadata(version: str, readme: str) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {DISTRIBUTION}", f"Version: {version}",
             "Summary: Deep-learning exercises with graders that explain (learner package, 日本語/English)",
             "License: MIT", f"Requires-Python: {REQUIRES_PYTHON}", *(f"Requires-Dist: {r}" for r in REQUIRES)]
    for extra, requirements in EXTRAS.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in requirements]
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + readme


def _files(bundle: Path) -> list[tuple[str, Path]]:
    """(name in the wheel, file in the bundle) for the package, the graders and the stubs."""
    mapping = {"course": "course", "graders": f"course/{paths.WHEEL_KIT}/graders",
               "exercises": f"course/{paths.WHEEL_KIT}/exercises"}
    return sorted((f"{mapping[top]}/{f.relative_to(bundle / top).as_posix()}", f)
                  for top in mapping if (bundle / top).is_dir()
                  for f in (bundle / top).rglob("*") if f.is_file())


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(bundle: Path, out_dir: Path, version: str = __version__) -> Path:
    """Write the learner wheel of ``bundle`` (a built learner bundle) into ``out_dir``; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / wheel_name(version)
    info = f"{DISTRIBUTION.replace('-', '_')}-{version}.dist-info"
    readme = (bundle / "README.md").read_text(encoding="utf-8") if (bundle / "README.md").is_file() else ""
    generated = {
        f"{info}/METADATA": _metadata(version, readme),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: course release\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": "[console_scripts]\ncourse = course.cli:main\n",
        f"{info}/top_level.txt": "course\n",
    }
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            entry.external_attr, entry.compress_type = mode << 16, zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
            record.append(_record_line(name, data))

        for name, path in _files(bundle):
            add(name, path.read_bytes())
        for name, text in generated.items():
            add(name, text.encode("utf-8"))
        record.append(f"{info}/RECORD,,")
        entry = zipfile.ZipInfo(f"{info}/RECORD", date_time=ZIP_EPOCH)
        entry.external_attr = 0o644 << 16
        zf.writestr(entry, "\n".join(record) + "\n", compress_type=zipfile.ZIP_DEFLATED)
    return target
