"""The verdict process's side of the sandbox: proxies that drive learner code in its own process.

Graders never import learner code. They ask a :class:`LearnerSession` for a module and use it as if it were
local: ``learner.module("activations").softmax(x)`` sends ``x`` over, runs the learner's ``softmax`` in the
sandboxed process and brings the result back as plain data. Objects that are not plain data (a layer, an
optimizer, a ``Value``, a torch model) stay in the learner's process and come back as :class:`Remote`
proxies; their attributes, items, calls and operators are forwarded in turn. ``proxy.ref`` gives live
references instead of copies, for the checks that need to mutate an object in place or compare identities.

Because verdicts are computed here, from values that crossed as plain data, learner code that patches NumPy,
pytest or builtins, prints "passed" or exits early cannot change them.
"""
from __future__ import annotations

import os
import select
import struct
import time
from pathlib import Path

from course.sandbox import codec
from course.sandbox.launch import LearnerProcess, Limits, isolation_mode


class LearnerError(Exception):
    """Learner code raised an exception; ``info`` has its type, message and frames in the learner's files."""

    def __init__(self, info: dict, output: str = ""):
        self.info, self.output = info, output
        super().__init__(f"{info['type']}: {info['message']}")

    @property
    def type(self) -> str:
        return self.info["type"]

    def is_a(self, name: str) -> bool:
        """True when the learner's exception is a ``name`` or a subclass of it (by class name)."""
        return name in self.info.get("chain", [self.type])


class MissingName(LearnerError):
    """A module of the learner's lacks a function or class the exercise asks for."""


class LearnerCrash(Exception):
    """The learner's process ended while it ran learner code (exit, os._exit, a signal, the memory limit)."""

    def __init__(self, returncode, output: str, during: str):
        self.returncode, self.output, self.during = returncode, output, during
        super().__init__(f"the process running your code ended (exit status {returncode}) during {during}")


class LearnerTimeout(Exception):
    """Learner code did not answer in time: it used ``seconds`` of CPU (``kind == "cpu"``: an endless loop), or
    it ran past the wall-clock cap while using less (``kind == "wall"``: it waits, or the machine is busy)."""

    def __init__(self, seconds: float, during: str, output: str = "", kind: str = "cpu", cpu: float = 0.0,
                 wall: float = 0.0):
        self.seconds, self.during, self.output = seconds, during, output
        self.kind, self.cpu, self.wall = kind, cpu, wall
        super().__init__(f"no answer within {seconds:g} s of CPU time during {during}" if kind == "cpu" else
                         f"no answer within {wall:g} s of wall-clock time ({cpu:.1f} s of CPU) during {during}")


# Limits measure the learner, not the machine: a check is stopped when the learner's processes have used its
# budget of CPU time. The wall clock only caps a check that waits instead of computing (sleep, input), this far
# above the budget, so that a loaded machine is never graded as the learner's endless loop.
WALL_FACTOR, WALL_SLACK = 3.0, 10.0
POLL = 0.2            # seconds between two readings of the learner's CPU time while it computes
START_UP = 120.0      # wall-clock seconds a learner process may take to start (never counted against a check)


def wall_cap(budget: float) -> float:
    """The wall-clock seconds a check with ``budget`` seconds of CPU time may take at most."""
    return WALL_FACTOR * budget + WALL_SLACK


class LearnerSession:
    """A learner process for one exercise folder, started on first use and restarted after a crash."""

    def __init__(self, source_dir: Path, hidden: list[Path] = (), limits: Limits = Limits(), torch: bool = False):
        self.source_dir, self.hidden, self.limits, self.torch = Path(source_dir), list(hidden), limits, torch
        self.process: LearnerProcess | None = None
        self.modules: dict[str, Remote] = {}
        self.budget: float = limits.check_timeout     # CPU seconds of the current check (begin_check)
        self.cpu_mark: float | None = None              # the learner's CPU time when the check began
        self.wall_deadline: float | None = None
        self.cpu_spent = 0.0                            # CPU time of this session's ended processes
        self.fatal_imports: dict[str, LearnerCrash] = {}

    def begin_check(self, budget: float) -> None:
        """Start a check's time budget: ``budget`` seconds of the learner's CPU time, within its wall cap."""
        self.budget, self.cpu_mark = budget, self.cpu_seconds()
        self.wall_deadline = time.monotonic() + wall_cap(budget)

    def cpu_seconds(self) -> float:
        """CPU time used by learner code in this session so far, every restarted process included."""
        return self.cpu_spent + (self.process.cpu_seconds() if self.process else 0.0)

    @property
    def isolation(self) -> str:
        """How the learner's process is isolated here: ``"namespaces"`` or ``"process"``."""
        return isolation_mode()

    # -- process lifecycle -------------------------------------------------------------------------
    def _start(self) -> None:
        started = time.monotonic()
        self.process = LearnerProcess(self.source_dir, self.hidden, self.limits, torch=self.torch)
        self.modules.clear()
        self._receive("start-up", started + START_UP, cpu_limit=None)
        if self.wall_deadline is not None:   # starting (a fork server's imports above all) is not the check's
            self.wall_deadline += time.monotonic() - started

    def close(self) -> None:
        """Stop the learner process (the next request starts a fresh one)."""
        if self.process is not None:
            self.cpu_spent += self.process.cpu_seconds()
            self.process.kill()
            self.process = None
            self.modules.clear()

    def output(self) -> str:
        """What learner code has printed so far in this process."""
        return self.process.output_tail() if self.process else ""

    # -- the channel --------------------------------------------------------------------------------
    def _send(self, message) -> None:
        payload = codec.pickle.dumps(message, protocol=codec.pickle.HIGHEST_PROTOCOL)
        data = struct.pack(">Q", len(payload)) + payload
        while data:
            n = os.write(self.process.tx, data)
            data = data[n:]

    def _read(self, n: int, deadline: float, during: str, cpu_limit: float | None) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._timed_out(during, "wall")
            if not select.select([self.process.rx], [], [], min(left, POLL))[0]:
                if cpu_limit is not None and self.cpu_seconds() > cpu_limit:
                    raise self._timed_out(during, "cpu")
                continue
            chunk = os.read(self.process.rx, min(n - got, 1 << 20))
            if not chunk:
                raise self._crashed(during)
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _receive(self, during: str, deadline: float, cpu_limit: float | None):
        (n,) = struct.unpack(">Q", self._read(8, deadline, during, cpu_limit))
        if n > codec.MAX_FRAME:
            self.close()
            raise LearnerCrash(None, "", f"{during} (a reply of {n} bytes)")
        payload = self._read(n, deadline, during, cpu_limit)
        self._last_size = n
        try:
            return codec.decode_frame(payload)
        except Exception:
            # Only a learner writing on the reply channel itself produces an undecodable frame.
            output = self.output()
            self.close()
            raise LearnerCrash(None, output, f"{during} (a forged reply on the channel)") from None

    def _timed_out(self, during: str, kind: str) -> LearnerTimeout:
        cpu = self.cpu_seconds() - (self.cpu_mark or 0.0)
        wall = wall_cap(self.budget)
        output = self.output()
        self.close()
        return LearnerTimeout(self.budget, during, output, kind=kind, cpu=cpu, wall=wall)

    def _crashed(self, during: str) -> LearnerCrash:
        output = self.output()
        code = self.process.wait(timeout=10)
        self.close()
        return LearnerCrash(code, output, during)

    def request(self, op: str, *args, mode: str = "value", during: str = ""):
        """Send one request and return its decoded answer (raises the Learner* exceptions)."""
        if self.wall_deadline is None:   # used outside a check (course explain, tests): a budget per request
            self.begin_check(self.limits.check_timeout)
            try:
                return self.request(op, *args, mode=mode, during=during)
            finally:
                self.wall_deadline = None
        if self.process is None:
            self._start()
        try:
            self._send((op, *[codec.to_wire(a, _handle_of) for a in args], mode))
        except (BrokenPipeError, OSError):
            raise self._crashed(during) from None
        status, payload = self._receive(during, self.wall_deadline, self.cpu_mark + self.budget)
        if status == "err":
            if not _is_error_report(payload):
                self.close()
                raise LearnerCrash(None, "", f"{during} (a forged reply on the channel)")
            raise LearnerError(payload, self.output())
        try:
            # Decoding is bounded by the reply's size (codec.from_wire) and counts against the check's time.
            value = codec.from_wire(payload, lambda h: Remote(self, h), budget=codec.Budget(self._last_size))
        except codec.TooComplex as exc:
            self.close()
            raise LearnerCrash(None, "", f"{during} ({exc})") from None
        if time.monotonic() > self.wall_deadline:
            raise self._timed_out(during, "wall")
        return value

    # -- what graders use ---------------------------------------------------------------------------
    def module(self, name: str) -> "Remote":
        """The learner's module ``name`` (imported once per process)."""
        if name in self.fatal_imports:
            raise self.fatal_imports[name]
        if name not in self.modules or self.process is None:
            try:
                self.modules[name] = self.request("import", name, mode="ref", during=f"import {name}")
            except LearnerCrash as crash:
                self.fatal_imports[name] = crash
                raise
            object.__setattr__(self.modules[name], "_remote_module", name)
        return self.modules[name]

    def new(self, value, *, ref: bool = True) -> "Remote":
        """Place ``value`` (plain data) in the learner's process and return a live reference to it."""
        return self.request("new", value, mode="ref" if ref else "value", during="setting up the check")

    def call(self, fn_name: str, *args, ref: bool = False):
        """Apply one of the child's fixed helpers (``len``, ``type_name``, ``is_``, operators,
        ``record_grad_mode``) to args; ``ref=True`` returns a live reference to the result."""
        return self.request("op", fn_name, list(args), mode="ref" if ref else "value", during=fn_name)


def _is_error_report(info) -> bool:
    """True when ``info`` has exactly the shape :meth:`child.Server.describe` gives an exception's facts;
    learner code can write its own frames on the channel, and nothing it shapes may break the grading."""
    frame_types = (str, int, str, str)
    return (type(info) is dict and set(info) == {"type", "message", "frames", "chain"}
            and type(info["type"]) is str and type(info["message"]) is str
            and type(info["chain"]) is list and all(type(c) is str for c in info["chain"])
            and type(info["frames"]) is list and all(
                type(f) is tuple and len(f) == 4 and all(type(v) is t for v, t in zip(f, frame_types))
                for f in info["frames"]))


def _handle_of(obj):
    if isinstance(obj, Remote):
        return obj._remote_handle
    raise TypeError(f"cannot send a {type(obj).__name__} to the learner's process; send plain data or a proxy")


class Remote:
    """A proxy for an object in the learner's process."""

    __slots__ = ("_remote_session", "_remote_handle", "_remote_module", "_remote_name", "__weakref__")

    def __init__(self, session: LearnerSession, handle: codec.Handle):
        object.__setattr__(self, "_remote_session", session)
        object.__setattr__(self, "_remote_handle", handle)
        object.__setattr__(self, "_remote_module", None)
        object.__setattr__(self, "_remote_name", None)   # the attribute it was read as, for messages

    def _req(self, op, *args, mode="value", during=""):
        return self._remote_session.request(op, self._remote_handle, *args, mode=mode, during=during)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        try:
            value = self._req("getattr", name, during=f"{self._label()}.{name}")
        except LearnerError as exc:
            if self._remote_module and exc.type == "AttributeError":
                raise MissingName(exc.info) from None
            raise
        if isinstance(value, Remote):
            object.__setattr__(value, "_remote_name", name)
        return value

    def __setattr__(self, name, value):
        self._req("setattr", name, value, during=f"setting {self._label()}.{name}")

    def __getitem__(self, key):
        return self._req("getitem", key, during=f"{self._label()}[{key!r}]")

    def __setitem__(self, key, value):
        self._req("setitem", key, value, during=f"{self._label()}[{key!r}] = …")

    def __call__(self, *args, **kwargs):
        return self._req("call", list(args), kwargs, during=f"calling {self._label()}")

    def __repr__(self):
        return f"<learner {self._remote_handle.text or self._remote_handle.type_name}>"

    def _label(self) -> str:
        return self._remote_module or self._remote_name or self._remote_handle.type_name

    @property
    def ref(self) -> "RefView":
        """Attribute, item and call results as live references instead of copies."""
        return RefView(self)

    @property
    def type_name(self) -> str:
        """The class name of the proxied object."""
        return self._remote_handle.type_name

    def get(self):
        """Copy the proxied object's value here (it must be plain data)."""
        return self._remote_session.request("new", self, mode="value", during=f"reading {self._label()}")

    def is_(self, other: "Remote") -> bool:
        """True when both proxies stand for the very same object."""
        return self._remote_session.call("is_", self, other)

    def _op(self, name, *args):
        return self._remote_session.request("op", name, [self, *args], during=f"operator {name}")

    def _rop(self, name, other):
        return self._remote_session.request("op", name, [other, self], during=f"operator {name}")

    __add__ = lambda s, o: s._op("add", o)
    __sub__ = lambda s, o: s._op("sub", o)
    __mul__ = lambda s, o: s._op("mul", o)
    __truediv__ = lambda s, o: s._op("truediv", o)
    __pow__ = lambda s, o: s._op("pow", o)
    __matmul__ = lambda s, o: s._op("matmul", o)
    __radd__ = lambda s, o: s._rop("add", o)
    __rsub__ = lambda s, o: s._rop("sub", o)
    __rmul__ = lambda s, o: s._rop("mul", o)
    __rtruediv__ = lambda s, o: s._rop("truediv", o)
    __rpow__ = lambda s, o: s._rop("pow", o)
    __neg__ = lambda s: s._op("neg")
    __len__ = lambda s: s._op("len")


class RefView:
    """``proxy.ref``: like the proxy, but every result is a live :class:`Remote`, never a copy."""

    __slots__ = ("_target",)

    def __init__(self, target: Remote):
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name):
        return self._target._req("getattr", name, mode="ref", during=f"{self._target._label()}.{name}")

    def __getitem__(self, key):
        return self._target._req("getitem", key, mode="ref", during=f"{self._target._label()}[{key!r}]")

    def __call__(self, *args, **kwargs):
        return self._target._req("call", list(args), kwargs, mode="ref", during=f"calling {self._target._label()}")
