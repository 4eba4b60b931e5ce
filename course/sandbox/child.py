"""The learner's side of the sandbox: a small server that runs learner code on request.

It runs in the learner process that :mod:`course.sandbox.zygote` forks inside the sandbox, imports nothing
of the kit but the wire codec, and answers requests from the verdict process: import a module, read or set an
attribute or item, call something, apply an operator. Results go back by value when they are plain data and
as handles otherwise. Exceptions raised by learner code (``SystemExit`` included) are reported, never fatal; a process
that dies anyway (``os._exit``, a segfault, the memory limit) is noticed by the verdict process.
"""
import importlib
import operator
import os
import sys
import traceback

_OPERATORS = {name: getattr(operator, name) for name in (
    "add", "sub", "mul", "truediv", "floordiv", "pow", "neg", "pos", "abs", "eq", "ne", "lt", "le", "gt", "ge",
    "matmul", "mod")}


def _record_grad_mode(module):
    """A list that gets, at each forward call of the torch ``module``, whether autograd was recording then
    (what a grader reads to see that evaluation ran under ``torch.no_grad()``)."""
    import torch
    seen = []
    module.register_forward_hook(lambda _module, _args, _output: seen.append(torch.is_grad_enabled()))
    return seen


_OPERATORS.update(len=len, repr=repr, str=str, float=float, int=int, bool=bool, list=list,
                  type_name=lambda x: type(x).__name__, is_=operator.is_, isinstance_name=lambda x, name: any(
                      c.__name__ == name for c in type(x).__mro__), record_grad_mode=_record_grad_mode)


class Server:
    """Holds the objects handed out as handles and answers requests."""

    def __init__(self, codec, workdir):
        self.codec, self.workdir = codec, os.path.realpath(workdir)
        self.objects, self.next_id = {}, 1

    def handle_for(self, obj):
        hid, self.next_id = self.next_id, self.next_id + 1
        self.objects[hid] = obj
        try:
            text = repr(obj)[:200]
        except BaseException:  # a broken __repr__ must not break the channel
            text = f"<{type(obj).__name__}>"
        return self.codec.Handle(hid, type(obj).__name__, text)

    def encode(self, obj, mode):
        if mode == "ref" and not isinstance(obj, self.codec.Handle):
            obj = self.handle_for(obj)
        return self.codec.to_wire(obj, self.handle_for)

    def decode(self, data):
        return self.codec.from_wire(data, lambda h: self.objects[h.id])

    def run(self, request):
        op, args = request[0], [self.decode(a) for a in request[1:-1]]
        mode = request[-1]
        if op == "import":
            result = importlib.import_module(args[0])
        elif op == "getattr":
            result = getattr(args[0], args[1])
        elif op == "setattr":
            result = setattr(args[0], args[1], args[2])
        elif op == "getitem":
            result = args[0][args[1]]
        elif op == "setitem":
            args[0][args[1]] = args[2]
            result = None
        elif op == "call":
            result = args[0](*args[1], **args[2])
        elif op == "op":
            result = _OPERATORS[args[0]](*args[1])
        elif op == "new":
            result = args[0]
        elif op == "release":
            for hid in args[0]:
                self.objects.pop(hid, None)
            result = None
        else:
            raise ValueError(f"unknown request {op!r}")
        return self.encode(result, mode)

    def describe(self, exc):
        """The learner-facing facts of an exception: type, message, and frames in the learner's files."""
        frames = []
        for fr in traceback.extract_tb(exc.__traceback__):
            if fr.filename.startswith("<"):  # frozen importlib frames, not the learner's
                continue
            path = os.path.realpath(fr.filename)
            if path.startswith(self.workdir + os.sep):
                frames.append((os.path.relpath(path, self.workdir), fr.lineno, fr.name, (fr.line or "").strip()))
        if isinstance(exc, SyntaxError) and exc.filename:
            name = os.path.basename(exc.filename)
            frames.append((name, exc.lineno or 0, "<module>", (exc.text or "").strip()))
        try:
            message = str(exc)
        except BaseException:
            message = "<unprintable>"
        return {"type": type(exc).__name__, "message": message[:2000], "frames": frames[-8:],
                "chain": [c.__name__ for c in type(exc).__mro__]}


def kit_folders(here: str) -> tuple[str, ...]:
    """The folders of the kit that are never on a learner's path: this one, and the checkout holding the
    package — unless the package is installed, where that folder is site-packages (every package's)."""
    root = os.path.dirname(os.path.dirname(here))
    installed = os.path.basename(root) in ("site-packages", "dist-packages")
    return (here,) if installed else (here, root)


def serve(read_fd: int, write_fd: int, workdir: str) -> None:
    """Answer the verdict process's requests, running learner code from ``workdir``, until it hangs up."""
    import codec  # the kit's wire format; plain name because the kit itself is not importable in here
    here = os.path.dirname(os.path.abspath(__file__))
    # Learner modules named codec, child or zygote must get their own files, and an editable install may
    # have put the kit's root on the path: learner code must not import from it.
    for name in ("codec", "child", "zygote"):
        sys.modules.pop(name, None)
    kit = kit_folders(here)
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") not in kit]
    os.chdir(workdir)
    sys.path.insert(0, os.path.realpath(workdir))
    sys.dont_write_bytecode = True
    rx, tx = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    server = Server(codec, workdir)
    codec.write_frame(tx, ("ready", os.getpid()))
    while True:
        try:
            request = codec.read_frame(rx)
        except EOFError:
            return
        try:
            reply = ("ok", server.run(request))
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from learner code are answers too
            reply = ("err", server.describe(exc))
        for stream in (sys.stdout, sys.stderr):   # what learner code printed is in its output before the reply
            try:
                stream.flush()
            except BaseException:
                pass
        try:
            codec.write_frame(tx, reply)
        except (TypeError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
            codec.write_frame(tx, ("err", server.describe(exc)))
