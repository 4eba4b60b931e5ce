"""The wire format between the verdict process and the learner's sandboxed process.

Values cross as plain data only: numbers, strings, containers, NumPy arrays and torch tensors (as raw bytes
with their dtype and shape). Anything else stays on the side that made it and crosses as a handle. Decoding
never resolves a class or a function by name, so a crafted message from learner code cannot run code in the
verdict process (which an ordinary ``pickle.loads`` would allow).

This module is imported by the sandboxed child too: it depends on the standard library and NumPy only, and
imports torch only when a tensor actually crosses.
"""
from __future__ import annotations

import io
import pickle
import struct
import sys

import numpy as np

MAX_FRAME = 512 * 1024 * 1024  # a bigger reply is a runaway, not an answer

_ND, _NPSCALAR, _TORCH, _HANDLE, _TUPLE = "\0nd", "\0np", "\0torch", "\0handle", "\0tuple"
_ELLIPSIS, _SLICE = "\0ellipsis", "\0slice"  # index keys: `arr[...] = W`, `arr[1:3]`
_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_TAGS = (_ND, _NPSCALAR, _TORCH, _HANDLE, _TUPLE, _ELLIPSIS, _SLICE)


class Handle:
    """A reference to an object that lives in the other process."""

    __slots__ = ("id", "type_name", "text")

    def __init__(self, id: int, type_name: str = "", text: str = ""):
        self.id, self.type_name, self.text = id, type_name, text


_KEY_TYPES = (str, int)


def _refuse_keys(keys) -> None:
    if any(type(k) not in _KEY_TYPES for k in keys):
        raise pickle.UnpicklingError("a dict key that is not a str or an int")


class _SafeUnpickler(pickle._Unpickler):
    """Loads plain data only: no class or function by name, and no set, frozenset or dict key other than a str
    or an int. Hashing is where shared references cost exponential time (a tuple key built from 48 nested
    references to one tuple takes 2^48 steps to hash), so nothing is hashed but plain scalars. The pure-Python
    unpickler, because its steps can be checked one by one (arrays cross as one bytes object each)."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def find_class(self, module, name):
        if (module, name) == ("builtins", "complex"):
            return complex
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the other process")

    def load_setitem(self):
        _refuse_keys([self.stack[-2]])
        super().load_setitem()

    def load_setitems(self):   # the items since the mark are the current stack
        _refuse_keys(self.stack[0::2])
        super().load_setitems()

    def load_dict(self):
        _refuse_keys(self.stack[0::2])
        super().load_dict()

    def load_set(self):
        raise pickle.UnpicklingError("sets do not cross the channel")

    dispatch[pickle.SETITEM[0]] = load_setitem
    dispatch[pickle.SETITEMS[0]] = load_setitems
    dispatch[pickle.DICT[0]] = load_dict
    for _opcode in (pickle.EMPTY_SET, pickle.ADDITEMS, pickle.FROZENSET):
        dispatch[_opcode[0]] = load_set


def _torch():
    return sys.modules.get("torch")


def encodable(obj) -> bool:
    """True when ``obj`` can cross by value (no handle needed anywhere inside it)."""
    if type(obj) in _PLAIN or obj is Ellipsis or type(obj) is slice:
        return True
    if isinstance(obj, np.ndarray):
        return obj.dtype != object
    if isinstance(obj, np.generic):
        return not isinstance(obj, np.object_)
    torch = _torch()
    if torch is not None and isinstance(obj, torch.Tensor):
        return True
    if type(obj) in (list, tuple):
        return all(encodable(x) for x in obj)
    if isinstance(obj, dict):
        return all(isinstance(k, (str, int)) and encodable(v) for k, v in obj.items())
    return False


def to_wire(obj, make_handle):
    """Turn ``obj`` into plain data; objects that cannot cross become handles from ``make_handle(obj)``."""
    if isinstance(obj, Handle):
        return (_HANDLE, obj.id, obj.type_name, obj.text)
    if type(obj) in _PLAIN:  # exact types: np.float64 is a float subclass but pickles as a numpy global
        return obj
    if obj is Ellipsis:
        return (_ELLIPSIS,)
    if type(obj) is slice:
        return (_SLICE, to_wire(obj.start, make_handle), to_wire(obj.stop, make_handle), to_wire(obj.step, make_handle))
    if isinstance(obj, np.ndarray) and obj.dtype != object:
        a = obj.copy(order="C")  # not ascontiguousarray: it turns a 0-d array into shape (1,)
        return (_ND, a.dtype.str, a.shape, a.tobytes())
    if isinstance(obj, np.generic) and not isinstance(obj, np.object_):
        return (_NPSCALAR, obj.dtype.str, obj.tobytes())
    torch = _torch()
    if torch is not None and isinstance(obj, torch.Tensor):
        t = obj.detach().to("cpu").contiguous()
        dtype = str(t.dtype).replace("torch.", "")
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.float().numpy().tobytes()
        return (_TORCH, dtype, tuple(t.shape), data, bool(obj.requires_grad), obj.grad_fn is not None,
                str(obj.device))
    if type(obj) is list:
        return [to_wire(x, make_handle) for x in obj]
    if type(obj) is tuple:
        return (_TUPLE, [to_wire(x, make_handle) for x in obj])
    if isinstance(obj, dict) and all(isinstance(k, (str, int)) for k in obj):
        return {k: to_wire(v, make_handle) for k, v in obj.items()}
    return to_wire(make_handle(obj), make_handle)


class TensorData:
    """A tensor that crossed while torch is not imported on this side (kept as NumPy plus its flags)."""

    def __init__(self, array, requires_grad, has_grad_fn, device):
        self.array, self.requires_grad, self.has_grad_fn, self.device = array, requires_grad, has_grad_fn, device


class TooComplex(ValueError):
    """A reply that is not plain wire data, or whose decoding would cost far more than its size (built from
    shared references to expand)."""


class Budget:
    """What decoding one frame may cost: a node and a byte of array data per byte of the frame, twice over,
    plus a little. Plain data costs at most its size; only shared references (one byte each in a pickle, a
    whole subtree each when decoded) can exceed it, and those are refused, so decoding work and memory stay
    proportional to what was received."""

    FACTOR, SLACK = 2, 4096

    def __init__(self, frame_bytes: int):
        self.left = self.FACTOR * frame_bytes + self.SLACK

    def spend(self, cost: int) -> None:
        self.left -= cost
        if self.left < 0:
            raise TooComplex("a reply that expands far beyond its size when decoded")


def from_wire(data, resolve_handle, budget: Budget | None = None):
    """Inverse of :func:`to_wire`; ``resolve_handle(Handle)`` maps handles to local objects or proxies.
    With a ``budget`` (replies from learner code), decoding stops with :class:`TooComplex` once it is spent."""
    def walk(x):
        return from_wire(x, resolve_handle, budget)

    if budget is not None:
        budget.spend(1)
    if type(data) is list:
        return [walk(x) for x in data]
    if type(data) is dict:
        return {k: walk(v) for k, v in data.items()}
    if type(data) in _PLAIN:
        if budget is not None and isinstance(data, (str, bytes)):
            budget.spend(len(data))
        return data
    if type(data) is not tuple or not data or data[0] not in _TAGS:
        # to_wire writes nothing else; anything else was shaped by hand on the channel
        raise TooComplex(f"a value that is not in the wire format ({type(data).__name__})")
    tag = data[0]
    if tag == _TUPLE:
        return tuple(walk(x) for x in data[1])
    if budget is not None and tag in (_ND, _TORCH, _NPSCALAR):
        budget.spend(len(data[3] if tag != _NPSCALAR else data[2]))
    if tag == _ND:
        _, dtype, shape, raw = data
        return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()
    if tag == _NPSCALAR:
        _, dtype, raw = data
        return np.frombuffer(raw, dtype=np.dtype(dtype))[0]
    if tag == _TORCH:
        return _tensor_from_wire(*data[1:])
    if tag == _HANDLE:
        return resolve_handle(Handle(*data[1:]))
    if tag == _ELLIPSIS:
        return Ellipsis
    return slice(*(walk(x) for x in data[1:]))   # _SLICE, the last tag


def _tensor_from_wire(dtype, shape, raw, requires_grad, has_grad_fn, device):
    np_dtype = {"bfloat16": "float32", "bool": "bool"}.get(dtype, dtype)
    array = np.frombuffer(raw, dtype=np.dtype(np_dtype)).reshape(shape).copy()
    try:
        import torch
    except ImportError:
        return TensorData(array, requires_grad, has_grad_fn, device)
    t = torch.from_numpy(array)
    if requires_grad and t.is_floating_point():
        t.requires_grad_(True)
    # The flags of the original travel along so graders can ask about autograd history and device.
    t._wire_info = {"requires_grad": requires_grad, "has_grad_fn": has_grad_fn, "device": device}
    return t


def write_frame(fileobj, message) -> None:
    """Send one message (already plain data) as a length-prefixed frame."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    fileobj.write(struct.pack(">Q", len(payload)) + payload)
    fileobj.flush()


def read_exactly(fileobj, n: int) -> bytes:
    """Read ``n`` bytes or raise EOFError when the other side has gone."""
    chunks, got = [], 0
    while got < n:
        chunk = fileobj.read(n - got)
        if not chunk:
            raise EOFError("the other process closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def decode_frame(payload: bytes):
    """Load a frame's payload with the class-refusing unpickler."""
    return _SafeUnpickler(io.BytesIO(payload)).load()


def read_frame(fileobj):
    """Receive one message sent by :func:`write_frame`."""
    (n,) = struct.unpack(">Q", read_exactly(fileobj, 8))
    if n > MAX_FRAME:
        raise ValueError(f"message of {n} bytes is larger than the {MAX_FRAME}-byte limit")
    return decode_frame(read_exactly(fileobj, n))
