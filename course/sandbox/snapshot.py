"""Reading a learner's exercise folder as data: what is hashed, what is copied into the sandbox and what is
refused are decided here, once, so that discovery, hashing and copying always agree.

A submission is read, never followed: a symbolic link (``exercise3 -> <kit>/solutions/exercise3``, a module
linked to a classmate's) is reported, not read, and neither is anything that is not a plain file or folder
(a FIFO would block the reader, a device is no code).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# Never part of a submission: Python's caches are rebuilt from the sources (and could hide stale code).
SKIPPED = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc",)
MAX_BYTES = 64 * 1024 ** 2   # a bigger exercise folder is a mistake (a dataset, a checkpoint), not an answer


class SubmissionTooLarge(Exception):
    """The exercise folder holds more bytes than the sandbox takes."""


@dataclass
class Snapshot:
    """The files of one exercise folder (relative path, permission bits, bytes) and what was refused."""

    files: list[tuple[str, int, bytes]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)     # (relative path, where it points)
    special: list[str] = field(default_factory=list)    # neither a file, a folder nor a link, or unreadable

    @property
    def refused(self) -> list[str]:
        """One line per entry that was not read, naming it."""
        return ([f"{name} -> {target}" for name, target in self.links] +
                [name if name.endswith(")") else f"{name} (not a plain file)" for name in self.special])

    @property
    def size(self) -> int:
        return sum(len(data) for _, _, data in self.files)


def read_folder(folder: Path, max_bytes: int = MAX_BYTES) -> Snapshot:
    """Read every plain file under ``folder`` without following a link, the folder itself included."""
    snap = Snapshot()
    folder = Path(folder)
    if folder.is_symlink():
        snap.links.append((folder.name, os.readlink(folder)))
        return snap
    if not folder.is_dir():
        return snap
    try:
        _walk(folder, "", snap, max_bytes)
    except RecursionError:
        snap.special.append("./ (folders nested too deep)")
    return snap


def _walk(folder: Path, prefix: str, snap: Snapshot, max_bytes: int) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:   # a name too long for the system, a folder without permission: refused, named
        snap.special.append(f"{prefix or './'} ({exc.strerror})")
        return
    for entry in entries:
        rel = prefix + entry.name
        if entry.name in SKIPPED or entry.name.endswith(SKIPPED_SUFFIXES):
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            snap.special.append(f"{rel} ({exc.strerror})")
            continue
        if stat.S_ISLNK(mode):
            snap.links.append((rel, os.readlink(entry.path)))
        elif stat.S_ISDIR(mode):
            _walk(Path(entry.path), rel + "/", snap, max_bytes)
        elif stat.S_ISREG(mode):
            try:
                fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
                with os.fdopen(fd, "rb") as f:
                    data = f.read(max_bytes - snap.size + 1)
            except OSError as exc:
                snap.special.append(f"{rel} ({exc.strerror})")
                continue
            snap.files.append((rel, stat.S_IMODE(mode), data))
            if snap.size > max_bytes:
                raise SubmissionTooLarge(f"{folder.name}/ holds more than {max_bytes // 1024 ** 2} MiB")
        else:
            snap.special.append(rel)
