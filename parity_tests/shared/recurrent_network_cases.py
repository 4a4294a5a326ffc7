"""What the recurrent networks' tests feed both sides: a small corpus of names as padded sequences,
recurrent specs of either cell over it, weights of order 1 (so every gradient is of order 1, not
the 1e-4 of the course's ``randn * 0.01``), the hypothesis strategy that draws any recurrent
network the spec allows, and the example spec ``scratch/specs/names-lstm.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

import scratch
from scratch import NetworkSpec
from scratch.datasets import corpus_sequences, name_corpus
from scratch.layer_kinds import RECURRENT_PARAMETERS
from scratch.spec import DTYPES, INITS

Array = np.ndarray
EXAMPLE_SPEC = Path(scratch.__file__).parent / "specs" / "names-lstm.yaml"
CELLS = tuple(RECURRENT_PARAMETERS)
# 24 names of 2 to 19 letters (sequences of 3 to 20 steps, the newline last) over 26 characters:
# the newline and 25 letters.
X_NAMES, Y_NAMES, CHARACTERS = corpus_sequences(name_corpus(24, seed=5))
N_CHARACTERS = len(CHARACTERS)


def recurrent_spec(cell: str, units: int = 5, **fields) -> NetworkSpec:
    """An ``cell`` network of ``units`` over the names' characters."""
    return NetworkSpec.from_dict(
        {
            "input_size": N_CHARACTERS,
            "layers": [
                {"kind": cell, "units": units},
                {"units": N_CHARACTERS, "activation": "softmax"},
            ],
            "loss": "cross_entropy",
            "init": "xavier",
            "seed": 3,
            **fields,
        }
    )


@dataclass(frozen=True)
class NetworkCase:
    """A recurrent network of a spec, weights N(0, 0.5^2) (biases too) in its dtype, and the
    first ``m`` names: ``X`` (n_x, m, T_x) in the spec's dtype, labels ``Y`` (1, m, T_x), padded
    after each name's end."""

    spec: NetworkSpec
    params: dict[str, Array]
    X: Array
    Y: Array

    @classmethod
    def draw(cls, spec: NetworkSpec, m: int = 6, seed: int = 0) -> NetworkCase:
        rng = np.random.default_rng(seed)
        params = {
            key: (0.5 * rng.standard_normal(shape)).astype(spec.dtype)
            for key, shape in spec.param_shapes().items()
        }
        Y = Y_NAMES[:, :m]
        steps = scratch.recurrent.longest(Y)
        return cls(spec, params, X_NAMES[:, :m, :steps].astype(spec.dtype), Y[:, :, :steps])


@st.composite
def recurrent_specs(draw: st.DrawFn) -> NetworkSpec:
    """Any recurrent network the spec allows over the names: either cell, 1-8 units, any init,
    dtype and seed, clipped by value or by norm or not at all."""
    clip = draw(st.sampled_from([None, ("value", 0.5), ("value", 5.0), ("norm", 1.0)]))
    fields = {} if clip is None else {"clip_by": clip[0], "clip": clip[1]}
    return recurrent_spec(
        draw(st.sampled_from(CELLS)),
        draw(st.integers(1, 8)),
        init=draw(st.sampled_from(INITS)),
        dtype=draw(st.sampled_from(DTYPES)),
        seed=draw(st.integers(0, 2**31 - 1)),
        **fields,
    )
