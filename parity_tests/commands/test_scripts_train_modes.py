"""``train --compile`` and ``train --precision``: a mode the run cannot take is one line and exit
2 before a run folder is made (a conv or recurrent network compared with scratch in a mode among
them: no band was measured on one); a run in a mode prints its parity lines with its mode's
rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.train import main


def train(tmp_path: Path, *flags: str) -> int:
    return main(["--runs-dir", str(tmp_path / "runs"), "--quiet", *flags])


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--precision", "bf16-mixed"], "precision 'bf16-mixed' keeps float32 master weights"),
        (["--precision", "16-mixed", "--dtype", "float32"], "runs on CUDA only"),
        (["--impl", "scratch", "--compile"], "--impl scratch trains no torch side"),
        (["--precision", "fp8"], "precision"),
    ],
)
def test_a_mode_the_run_cannot_take_is_one_line_and_exit_2_before_any_folder(
    tmp_path, capsys, flags, says
):
    assert train(tmp_path, *flags) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and says in err, err
    assert not (tmp_path / "runs").exists()


CONV = ["--dataset", "shapes", "--spec", "scratch/specs/shapes-conv.yaml", "--iterations", "2"]
LSTM = ["--dataset", "names", "--spec", "scratch/specs/names-lstm.yaml", "--iterations", "2"]


@pytest.mark.parametrize("network", [CONV, LSTM], ids=["convolutional", "recurrent"])
@pytest.mark.parametrize(
    "mode", [["--compile"], ["--precision", "bf16-mixed", "--dtype", "float32"]], ids=str
)
def test_a_conv_or_recurrent_network_compared_in_a_mode_is_refused_no_band_measured(
    tmp_path, capsys, monkeypatch, network, mode
):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the specs' paths
    assert train(tmp_path, *network, *mode) == 2
    err = capsys.readouterr().err.strip()
    kind = "convolutional" if network is CONV else "recurrent"
    says = f"{mode[0]}{' bf16-mixed' if len(mode) > 1 else ''} with --impl both on a {kind} network"
    assert err.count("\n") == 0 and says in err and "dense networks only" in err, err
    assert not (tmp_path / "runs").exists()


@pytest.mark.slow  # a Trainer run in bf16-mixed
def test_a_conv_network_trains_in_a_mode_on_the_torch_side_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    flags = ["--impl", "torch", "--precision", "bf16-mixed", "--dtype", "float32"]
    assert train(tmp_path, *CONV, *flags) == 0
    assert (tmp_path / "runs" / "shapes-torch" / "weights-torch.npz").is_file()


@pytest.mark.slow  # compiles the planar net
def test_a_compiled_run_prints_the_parity_lines_with_the_compiled_rows(tmp_path, capsys):
    assert train(tmp_path, "--compile", "--iterations", "50") == 0
    out = capsys.readouterr().out
    assert "parity (float64, compiled): all 50 costs agree within rtol 1e-11 per entry" in out


@pytest.mark.slow  # a Trainer run in bf16-mixed
def test_a_bf16_mixed_run_prints_the_parity_lines_with_its_band(tmp_path, capsys):
    assert (
        train(tmp_path, "--precision", "bf16-mixed", "--dtype", "float32", "--iterations", "100")
        == 0
    )
    out = capsys.readouterr().out
    band = "all 100 costs agree within rtol 2e-02 per entry + atol 1e-05"  # 3 L u, L = 2
    assert f"parity (float32, bf16-mixed): {band}" in out


@pytest.mark.slow  # a Trainer run in bf16-mixed
def test_an_adam_run_in_a_mode_is_not_judged_and_says_why(tmp_path, capsys):
    flags = ["--precision", "bf16-mixed", "--dtype", "float32", "--optimizer", "adam"]
    assert train(tmp_path, *flags, "--lr", "0.01", "--iterations", "3") == 0
    out = capsys.readouterr().out
    assert "parity: not judged: " in out and "adaptive" in out, out
