"""The wire format: plain data round-trips with its types; anything else becomes a handle, never code."""
import pickle

import numpy as np
import pytest

from course.sandbox import codec


def roundtrip(value):
    handles = []
    wire = codec.to_wire(value, lambda obj: handles.append(obj) or codec.Handle(len(handles), type(obj).__name__))
    payload = pickle.dumps(wire)
    return codec.from_wire(codec.decode_frame(payload), lambda h: ("handle", h.id, h.type_name)), handles


@pytest.mark.parametrize("value", [None, True, 3, 2.5, 1 + 2j, "ß", b"x", [1, [2.0]], {"a": (1, 2)}])
def test_plain_values_keep_value_and_type(value):
    back, handles = roundtrip(value)
    assert back == value and type(back) is type(value) and not handles


def test_index_keys_cross():
    back, _ = roundtrip([Ellipsis, slice(1, None, 2), (slice(None), 0)])
    assert back == [Ellipsis, slice(1, None, 2), (slice(None), 0)]


def test_zero_dimensional_arrays_keep_their_shape():
    back, _ = roundtrip(np.array(2.5))
    assert isinstance(back, np.ndarray) and back.shape == () and back == 2.5


def test_numpy_arrays_and_scalars_keep_dtype_shape_and_type():
    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    back, _ = roundtrip({"a": arr, "s": np.float64(1.5), "b": np.bool_(True)})
    assert back["a"].dtype == np.int32 and back["a"].shape == (2, 3) and (back["a"] == arr).all()
    assert type(back["s"]) is np.float64 and back["s"] == 1.5
    assert type(back["b"]) is np.bool_


def test_objects_cross_as_handles():
    class Layer:
        pass
    back, handles = roundtrip([1, Layer(), np.array([object()], dtype=object)])
    assert back[0] == 1 and back[1][0] == "handle" and back[1][2] == "Layer" and back[2][2] == "ndarray"
    assert len(handles) == 2


def test_decoding_refuses_classes_and_functions():
    for evil in (pickle.dumps(np.float64(1.0)), pickle.dumps(print), pickle.dumps(np.dtype("f8"))):
        with pytest.raises(pickle.UnpicklingError):
            codec.decode_frame(evil)
