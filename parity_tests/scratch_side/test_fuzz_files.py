"""The fuzz half of issue 20 at the readers: archives with random headers and documents with
random nesting and aliases (``fuzz_strategies``). Whatever is drawn, a reader either gives
back exactly what the file holds or refuses it in one line naming the file, in seconds and
without allocating what the header claims: a new reader cannot bring the bombs back."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from fuzz_strategies import aliased_documents, hostile_archives
from hostile_files import peak_allocation, within
from hypothesis import given, settings

from scratch.documents import parse_yaml
from scratch.npz_files import read_npz

LABEL = "data file d.npz"


@settings(max_examples=60, deadline=None)
@given(hostile_archives())
def test_an_archive_is_read_exactly_or_refused_in_one_line_without_allocating_its_claims(drawn):
    raw, held = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.npz"
        path.write_bytes(raw)
        with within(20), peak_allocation() as peak:
            try:
                arrays = read_npz(path, LABEL, "expected an .npz")
            except ValueError as err:  # InsufficientMemoryError among them
                message = str(err)
                assert held is None, f"a good archive was refused: {message}"
                assert message.startswith(LABEL) and "\n" not in message, message
                arrays = None
    assert peak[0] < 2**23, f"{peak[0]} bytes allocated for a file of {len(raw)}"
    if arrays is not None:
        assert held is not None, "a lying archive was read"
        assert arrays.keys() == held.keys()
        for key, (shape, dtype, data) in held.items():
            array = arrays[key]
            assert array.shape == shape and array.dtype == np.dtype(dtype), key
            assert array.tobytes() == data, key


@settings(max_examples=60, deadline=None)
@given(aliased_documents())
def test_a_document_with_aliases_is_read_as_yaml_says_or_refused_for_what_it_is(drawn):
    text, total, refusal, data = drawn
    says = {
        "alias": "holds an alias inside the node it names",
        "values": f"holds {total} values once its aliases are expanded",
        "key": "gives the key 'k0' twice in one mapping",
    }
    with within(20):
        if refusal is None:
            assert parse_yaml(text, "config file c.yaml", "a config file") == data
            return
        with pytest.raises(ValueError) as caught:
            parse_yaml(text, "config file c.yaml", "a config file")
    message = str(caught.value)
    assert message.startswith("config file c.yaml ") and "\n" not in message, message
    assert says[refusal] in message, message
