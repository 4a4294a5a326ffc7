"""The commands on recurrent networks: ``nn-train --spec <recurrent spec> --dataset names`` (or
``--text FILE``) trains both sides, judges every step's cost and the final weights, and prints
the words both sides sample from the same uniforms; ``nn-compare --explain`` puts the course's
backpropagation through time beside autograd's nodes; ``nn-gradcheck`` checks the gradients
through time; a text file that is no corpus, and a spec and data that do not fit, are refused in
one line; and ``measure_tolerances`` measures recurrent networks."""

from __future__ import annotations

import re

import pytest
from hostile_files import fifo, within
from recurrent_network_cases import EXAMPLE_SPEC

import scratch
from scratch.documents import MAX_BYTES
from scripts import compare, gradcheck, measure_tolerances, train

pytestmark = pytest.mark.usefixtures("one_torch_thread")
NAMES = ["--spec", str(EXAMPLE_SPEC), "--dataset", "names"]


def run_train(tmp_path, *flags: str) -> int:
    return train.main(["--runs-dir", str(tmp_path / "runs"), "--quiet", *flags])


def small_spec(tmp_path, cell: str = "rnn", characters: int = 27, **fields) -> str:
    spec = scratch.NetworkSpec.from_dict(
        {
            "input_size": characters,
            "layers": [
                {"kind": cell, "units": 6},
                {"units": characters, "activation": "softmax"},
            ],
            "loss": "cross_entropy",
            "init": "xavier",
            **fields,
        }
    )
    scratch.save_spec(spec, tmp_path / "small.yaml")
    return str(tmp_path / "small.yaml")


def test_train_both_sides_on_the_example_spec_agree_and_sample_the_same_words(tmp_path, capsys):
    flags = [*NAMES, "--iterations", "3", "--batch-size", "64", "--lr", "0.01"]
    assert run_train(tmp_path, *flags, "--optimizer", "adam") == 0
    out = capsys.readouterr().out
    assert "data: names: 1200 train / 300 test words, sequences of up to 23 characters" in out
    assert "spec: sequences of 27 -> lstm 50 -> dense 27 softmax at every step" in out
    assert "parity (float64): all 3 costs agree within rtol 1e-08 per entry" in out
    assert re.search(r"final weights agree within rtol 5e-09 of the scale", out)
    assert "7 of 7 words the same: the same words on both sides" in out
    rows = re.findall(r"^ +\d  (\S+) +(\S+)$", out, re.MULTILINE)
    assert len(rows) == 7 and all(a == b for a, b in rows)
    params, spec = scratch.load_weights(tmp_path / "runs" / "names-both" / "weights-torch.npz")
    assert spec == scratch.load_spec(EXAMPLE_SPEC) and list(params)[-2:] == ["Wy", "by"]


def test_train_reads_a_users_text_file(tmp_path, capsys):
    (tmp_path / "pets.txt").write_text("Rex\nbella\nmax\nLUNA\nmilo\nbear\nrosa\nsam\n")
    spec = small_spec(tmp_path, characters=13, clip=1, clip_by="norm")
    flags = ["--spec", spec, "--text", str(tmp_path / "pets.txt"), "--iterations", "2"]
    assert run_train(tmp_path, *flags, "--lr", "0.1") == 0
    out = capsys.readouterr().out
    assert "data: pets: 6 train / 2 test words, sequences of up to" in out
    assert "characters of 13: '\\nabeilmnorsux'" in out
    assert "parity (float64): all 2 costs agree" in out


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: tmp / "empty.txt", r"holds no words: give one word \(a name, say\) a line"),
        (lambda tmp: tmp / "binary.txt", r"is not UTF-8 text \(byte 1 is 0xff\)"),
        (lambda tmp: tmp / "large.txt", r"is larger than a text corpus may be \(1 MiB\)"),
        (lambda tmp: fifo(tmp, "pipe.txt"), r"is a FIFO \(a named pipe\), not a file"),
        (lambda tmp: "/dev/zero", "is a character device, not a file"),
    ],
    ids=["empty", "binary", "large", "fifo", "device"],
)
def test_a_text_file_that_is_no_corpus_is_one_line(tmp_path, capsys, make, says):
    (tmp_path / "empty.txt").write_bytes(b"\n\n")
    (tmp_path / "binary.txt").write_bytes(b"a\xff\x00\x01")
    (tmp_path / "large.txt").write_bytes(b"ab\n" * (MAX_BYTES // 3 + 1))
    path = make(tmp_path)
    with within(30):
        assert run_train(tmp_path, *NAMES[:2], "--text", str(path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert re.match(rf"train: error: text file {re.escape(repr(str(path)))} {says}", err), err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--dataset", "names"], "names is text: give a recurrent spec with --spec FILE"),
        ([*NAMES, "--text", "x.txt"], "--text x.txt and --dataset names name two data sets"),
        ([*NAMES, "--layers", "27", "27"], "--layers describe(s) a dense network; a recurrent"),
        ([*NAMES, "--keep-prob", "0.5"], "keep_prob is for hidden dense layers"),
        ([*NAMES, "--l2", "0.5"], "spec: l2 0.5: an L2 term is not built for recurrent"),
        ([*NAMES[:2], "--dataset", "planar"], "the spec is a recurrent network, which reads"),
        ([*NAMES, "--positive", "1"], "--positive makes a binary task of a classification set"),
    ],
)
def test_a_spec_and_data_that_do_not_fit_are_one_line(tmp_path, capsys, flags, message):
    assert run_train(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert err.startswith("train: error: ") and err.count("\n") == 1, err
    assert message in err


def test_a_dense_spec_on_text_and_a_spec_of_another_alphabet_are_one_line(tmp_path, capsys):
    dense = scratch.build_spec([27, 4, 27], "tanh", loss="cross_entropy")
    scratch.save_spec(dense, tmp_path / "dense.yaml")
    assert run_train(tmp_path, "--spec", str(tmp_path / "dense.yaml"), "--dataset", "names") == 2
    assert "names is text, sequences of characters, but the spec" in capsys.readouterr().err
    spec = small_spec(tmp_path, characters=20)
    assert run_train(tmp_path, "--spec", spec, "--dataset", "names") == 2
    err = capsys.readouterr().err
    assert "the spec reads 20 and predicts 20 characters, but names has 27" in err
    assert "make the spec's input_size and its output layer's units 27" in err


def test_compare_explains_backpropagation_through_time_beside_autograds_nodes(tmp_path, capsys):
    assert (
        compare.main(["--spec", small_spec(tmp_path, "lstm"), "--dataset", "names", "--explain"])
        == 0
    )
    out = capsys.readouterr().out
    assert "all 22 quantities agree within the float64 tolerances" in out
    rows = {
        "dWy = sum_t dy<t> a<t>^T": "AddmmBackward0 -> TBackward0 -> AccumulateGrad",
        "dot<t> = (da<t> + da_next) * tanh(c<t>) * ot<t> (1 - ot<t>)": (
            "StackBackward0 -> MulBackward0 -> SigmoidBackward0"
        ),
        "da_next = the first n_a rows of sum_g W_g^T dg<t>;  da0 = da_next after t = 0": (
            "UnbindBackward0 -> AccumulateGrad"
        ),
        "dWc = sum_t dcct<t> [a<t-1>; x<t>]^T": (  # through the candidate's tanh, c's second term
            r"AddBackward0 -> MulBackward0 -> TanhBackward0 -> UnsafeSplitBackward0 -> "
            r"AddBackward0 -> AddmmBackward0 -> TBackward0 -> AccumulateGrad  \(\+ weight_ih; "
            r"rows of c\)"
        ),
    }
    for formula, node in rows.items():
        assert re.search(rf"  {re.escape(formula)}\s+<-  .*{node}\n", out), formula
    assert "a padded step's dy is 0 (ignore_index=-1)" in out


def test_gradcheck_checks_the_gradients_through_time(tmp_path, capsys):
    flags = ["--spec", small_spec(tmp_path, "lstm"), "--dataset", "names", "--examples", "2"]
    assert gradcheck.main(flags) == 0
    out = capsys.readouterr().out
    assert "on 2 training examples" in out and "PASSED" in out
    assert re.search(r"\ndWf\s+198 ", out)


def test_measure_tolerances_measures_recurrent_networks(capsys):
    argv = ["--networks", "0", "--centred", "0", "--runs", "0", "--recurrent-networks", "2"]
    argv += ["--recurrent-centred", "1", "--recurrent-runs", "1", "--iterations", "2"]
    assert measure_tolerances.main([*argv, "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "recurrent: 2 networks a dtype, 1 against centred differences, 1 runs (seed 3)" in out
    rows = set(re.findall(r"^  (float\d\d [a-z ()]+?)\s+\d+ compared", out, re.MULTILINE))
    assert {"float32 forward", "float32 gradient", "float64 centred difference"} <= rows
    assert {"float64 forward", "float64 gradient"} <= rows and any("curve" in r for r in rows)
