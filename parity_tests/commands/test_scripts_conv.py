"""The commands on convolutional networks: ``nn-train --spec <conv spec> --dataset shapes`` trains
both sides and judges every step's cost and the final weights, ``nn-compare --explain`` puts the
course's conv and pool formulas beside autograd's nodes, ``nn-gradcheck`` checks the conv
gradients, the course's SIGNS files load as images, a spec and data that do not fit are refused
in one line, and ``measure_tolerances`` measures conv networks."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conv_network_cases import EXAMPLE_SPEC
from test_scripts_data import write_course_h5

import scratch
from scripts import compare, gradcheck, measure_tolerances, train
from scripts.cli.errors import UserError
from scripts.inputs.data import load_data

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SHAPES = ["--spec", str(EXAMPLE_SPEC), "--dataset", "shapes"]


def run_train(tmp_path, *flags: str) -> int:
    return train.main(["--runs-dir", str(tmp_path / "runs"), "--quiet", *flags])


def test_train_both_sides_on_the_example_spec_agree_at_every_step(tmp_path, capsys):
    flags = [*SHAPES, "--iterations", "4", "--batch-size", "64", "--lr", "0.05"]
    assert run_train(tmp_path, *flags) == 0
    out = capsys.readouterr().out
    assert "data: shapes: 480 train / 120 test examples, images of 16x16x3, 6 classes" in out
    assert "spec: 16x16x3 -> conv 8@3x3 pad 1 relu 16x16x8 -> max pool 2x2 8x8x8" in out
    assert "parity (float64): all 4 costs agree within rtol 1e-11 per entry" in out
    assert re.search(r"final weights agree within rtol 1e-11 of the scale", out)
    params, spec = scratch.load_weights(tmp_path / "runs" / "shapes-both" / "weights-torch.npz")
    assert spec == scratch.load_spec(EXAMPLE_SPEC) and params["W1"].shape == (3, 3, 3, 8)


def test_compare_explains_conv_and_pool_beside_autograds_nodes(capsys):
    assert compare.main([*SHAPES, "--explain"]) == 0
    out = capsys.readouterr().out
    assert "all 25 quantities agree within the float64 tolerances" in out
    assert re.search(r"\n    1  dW1\s+3x3x3x8 .* yes\n", out)
    rows = {
        "dA4 = dA5^T reshaped to (m, n_H, n_W, n_C)": "ViewBackward0",
        "dA3[window] += dA4[i, h, w, c] at the window's (first) max": (
            "MaxPool2DWithIndicesBackward0"
        ),
        "dW3[..., c] += A2_pad[window] dZ3[i, h, w, c] / m": (
            "ConvolutionBackward0 -> AccumulateGrad"
        ),
        "dA0_pad[window] += W1[..., c] dZ1[i, h, w, c]; unpadded": "ConvolutionBackward0",
    }
    for formula, node in rows.items():
        assert re.search(rf"  {re.escape(formula)}\s+<-  {node}\n", out), formula


def test_gradcheck_checks_the_conv_gradients(tmp_path, capsys):
    """A conv layer of 2 filters of 4 x 4 moved by 4 on the shapes images, and a softmax."""
    spec = scratch.NetworkSpec.from_dict(
        {
            "input_shape": [16, 16, 3],
            "layers": [
                {"kind": "conv", "filters": 2, "f": 4, "stride": 4, "activation": "tanh"},
                {"kind": "flatten"},
                {"units": 6, "activation": "softmax"},
            ],
            "loss": "cross_entropy",
            "init": "xavier",
        }
    )
    scratch.save_spec(spec, tmp_path / "small.json")
    flags = ["--spec", str(tmp_path / "small.json"), "--dataset", "shapes", "--examples", "3"]
    assert gradcheck.main(flags) == 0
    out = capsys.readouterr().out
    assert "on 3 training examples" in out
    assert re.search(r"\ndW1\s+96 .* yes\n", out) and "PASSED" in out


def write_signs(folder, m_train: int = 6, m_test: int = 3) -> dict:
    """The course's SIGNS files: the hand signs of 0 to 5."""
    return write_course_h5(folder, "signs", list(range(6)), m_train, m_test)


def test_the_signs_files_stay_images_in_the_unit_interval(tmp_path):
    written = write_signs(tmp_path)
    data = load_data("signs", data_dir=tmp_path)
    x, y = written["train"]
    assert data.images and data.X_train.shape == (6, 64, 64, 3) and data.X_test.shape[0] == 3
    np.testing.assert_array_equal(data.X_train, x / 255)
    np.testing.assert_array_equal(data.Y_train, y.reshape(1, 6))
    assert data.classes == 6
    assert data.describe() == "signs: 6 train / 3 test examples, images of 64x64x3, 6 classes"


def test_a_signs_network_trains_from_the_files(tmp_path, capsys):
    write_signs(tmp_path)
    spec = scratch.NetworkSpec.from_dict(
        {
            "input_shape": [64, 64, 3],
            "layers": [
                {"kind": "conv", "filters": 2, "f": 4, "stride": 4, "activation": "relu"},
                {"kind": "pool", "f": 4},
                {"kind": "flatten"},
                {"units": 6, "activation": "softmax"},
            ],
            "loss": "cross_entropy",
            "init": "he",
        }
    )
    scratch.save_spec(spec, tmp_path / "signs.yaml")
    flags = ["--spec", str(tmp_path / "signs.yaml"), "--dataset", "signs"]
    assert run_train(tmp_path, *flags, "--data-dir", str(tmp_path), "--iterations", "2") == 0
    assert "parity (float64): all 2 costs agree" in capsys.readouterr().out


def test_a_missing_signs_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match=r"train_signs\.h5 does not exist; put the course's "):
        load_data("signs", data_dir=tmp_path)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--dataset", "shapes"],
            "shapes holds images: give a convolutional spec with --spec FILE "
            "(scratch/specs/shapes-conv.yaml is one)",
        ),
        ([*SHAPES, "--layers", "768", "6"], "--layers describe(s) a dense network"),
        ([*SHAPES[:2], "--dataset", "planar"], "the spec takes images [16, 16, 3], but planar"),
        ([*SHAPES, "--keep-prob", "0.5"], "keep_prob is for the hidden dense layers"),
    ],
)
def test_a_spec_and_data_that_do_not_fit_are_one_line(tmp_path, capsys, flags, message):
    assert run_train(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert err.startswith("train: error: ") and err.count("\n") == 1, err
    assert message in err


def test_measure_tolerances_measures_conv_networks(capsys):
    argv = ["--networks", "0", "--centred", "0", "--runs", "0", "--conv-networks", "2"]
    argv += ["--conv-centred", "1", "--seed", "3"]
    assert measure_tolerances.main(argv) == 0
    out = capsys.readouterr().out
    assert "conv: 2 networks a dtype, 1 against centred differences, 0 runs (seed 3)" in out
    rows = re.findall(r"^  (float\d\d [a-z ]+?)\s+\d+ compared", out, re.MULTILINE)
    assert sorted(rows) == [
        "float32 forward",
        "float32 gradient",
        "float64 centred difference",
        "float64 forward",
        "float64 gradient",
    ]
