"""A recurrent spec in scratch's training path: the network's passes are the course's functions
(``rnn_backward`` / ``lstm_backward`` through time), padding costs nothing and changes nothing,
every name starts from zero states, the gradient check passes, the gradients are clipped before
the update, and a run saves, resumes and refuses bad sequences as a dense one does."""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_network_cases import CELLS, NetworkCase, recurrent_spec

import scratch
from scratch.clipping import clip_gradients
from scratch.losses import PAD
from scratch.parity import assert_parity, compare, compare_all
from scratch.recurrent import longest, sequence_internals


@pytest.mark.parametrize("cell", CELLS)
def test_the_network_computes_what_the_course_functions_compute(cell):
    """``layer_internals`` of the spec against the course's ``rnn_forward`` / ``lstm_forward``
    (its cells' own outputs) and backward functions from a<0> = 0: the states and gates bit for
    bit (the same cell steps), the rest within the forward and gradient rows (the output layer
    is one product over every step here, one a step in the course's cells)."""
    case = NetworkCase.draw(recurrent_spec(cell), m=5)
    ours = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    a0 = np.zeros((case.spec.layers[0].units, 5))
    course = sequence_internals(case.X, a0, case.Y, case.params, cell)
    assert ours.keys() == course.keys()
    for key in ("a", "c", "ft", "it", "cct", "ot"):
        if key in ours:
            np.testing.assert_array_equal(ours[key], course[key])
    assert_parity(compare_all(ours, course, names=("network", "course")))


@pytest.mark.parametrize("cell", CELLS)
def test_a_padded_batch_costs_and_learns_the_mean_of_its_names_alone(cell):
    """Each name alone (m = 1, its own length, no padding) against the batch of six padded to
    the longest: the batch's cost and gradients are the mean of theirs."""
    case = NetworkCase.draw(recurrent_spec(cell), m=6)
    batch = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    alone = []
    for i in range(6):
        steps = longest(case.Y[:, i : i + 1])
        X, Y = case.X[:, i : i + 1, :steps], case.Y[:, i : i + 1, :steps]
        alone.append(scratch.layer_internals(X, Y, case.params, case.spec))
    assert (case.Y == PAD).any()
    mean = {f"d{key}": np.mean([one[f"d{key}"] for one in alone], axis=0) for key in case.params}
    assert_parity(compare_all({key: batch[key] for key in mean}, mean, names=("batch", "alone")))
    cost = np.mean([one["cost"] for one in alone])
    assert_parity(compare("cost", batch["cost"], np.asarray(cost), names=("batch", "alone")))


def test_a_padded_step_has_no_cost_and_no_gradient():
    case = NetworkCase.draw(recurrent_spec("lstm"), m=6)
    ours = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    padded = np.broadcast_to(case.Y == PAD, ours["dy"].shape)
    assert padded.any() and not ours["dy"][padded].any()
    longer = np.concatenate([case.X, np.ones_like(case.X[:, :, :3])], axis=2)  # noise inputs
    labels = np.concatenate([case.Y, np.full_like(case.Y[:, :, :3], PAD)], axis=2)
    more = scratch.layer_internals(longer, labels, case.params, case.spec)
    assert more["cost"] == ours["cost"]  # the same terms, summed in the same order
    keys = [f"d{key}" for key in case.params]
    assert_parity(compare_all({k: more[k] for k in keys}, {k: ours[k] for k in keys}))


def test_every_name_starts_from_zero_states_whatever_came_before_it():
    """The second name's states are the same in a batch after the first and alone: no state
    carries from one name to the next (the notebook's ``model()`` carries it; here, as in the
    torch side's ``nn.LSTM(x)`` without ``hx``, none does)."""
    case = NetworkCase.draw(recurrent_spec("lstm"), m=2)
    both = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    steps = longest(case.Y[:, 1:])
    second = scratch.layer_internals(
        case.X[:, 1:, :steps], case.Y[:, 1:, :steps], case.params, case.spec
    )
    assert_parity(compare("a", both["a"][:, 1:, :steps], second["a"]))


@pytest.mark.parametrize("cell", CELLS)
def test_the_gradient_check_passes_through_time(cell):
    case = NetworkCase.draw(recurrent_spec(cell, units=3), m=3)
    check = scratch.gradient_check(case.params, case.X, case.Y, case.spec)
    assert check.passed, check.per_parameter
    assert set(check.analytic) == {f"d{key}" for key in case.params}


def test_the_gradients_are_clipped_before_the_update():
    """One step of gradient descent with ``clip`` moves the weights by the clipped gradients,
    the course's ``optimize``; the step that clips after the update would move them by the
    raw ones and part wherever an entry passed the bound."""
    spec = recurrent_spec("rnn", clip=0.05)
    case = NetworkCase.draw(spec, m=6)
    grads = scratch.layer_internals(case.X, case.Y, case.params, spec)
    result = scratch.train(
        spec, case.X, case.Y, learning_rate=0.5, num_iterations=1, params=case.params
    )
    keys = [f"d{key}" for key in case.params]
    clipped = {key: grads[key].copy() for key in keys}
    clip_gradients(clipped, keys, 0.05)
    stepped = {key: case.params[key] - 0.5 * clipped[f"d{key}"] for key in case.params}
    assert_parity(compare_all(result.params, stepped, names=("train", "by hand")))
    raw = {key: case.params[key] - 0.5 * grads[f"d{key}"] for key in case.params}
    assert not compare_all(result.params, raw).ok
    assert any((np.abs(grads[key]) > 0.05).any() for key in keys)


@pytest.mark.parametrize("cell", CELLS)
def test_training_lowers_the_cost_and_a_resumed_run_is_the_uninterrupted_one(cell, tmp_path):
    """Adam on mini-batches of 4 names, clipped: 10 steps at once, or 6, saved with the
    optimizer's state in the weights file, loaded, then 4 more: the same costs and weights,
    bit for bit."""
    spec = recurrent_spec(cell, clip=1.0)
    case = NetworkCase.draw(spec, m=12)
    settings = {"learning_rate": 0.02, "batch_size": 4, "optimizer": "adam"}
    whole = scratch.train(spec, case.X, case.Y, num_iterations=10, params=case.params, **settings)
    before, after = (scratch.cost_of(case.X, case.Y, p, spec) for p in (case.params, whole.params))
    assert after < before
    first = scratch.train(spec, case.X, case.Y, num_iterations=6, params=case.params, **settings)
    path = tmp_path / "weights.npz"
    scratch.save_weights(path, first.params, spec, "adam", first.state)
    params, stored = scratch.load_weights(path)
    name, state = scratch.weights.load_optimizer_state(path)
    assert stored == spec and name == "adam"
    assert ("v_dWf" if cell == "lstm" else "v_dWax") in state
    rest = scratch.train(
        spec,
        case.X,
        case.Y,
        num_iterations=4,
        start_iteration=6,
        params=params,
        state=state,
        **settings,
    )
    np.testing.assert_array_equal(np.concatenate([first.costs, rest.costs]), whole.costs)
    assert all(np.array_equal(rest.params[key], whole.params[key]) for key in whole.params)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([[[1, PAD, 2]]], r"Y\[0, 0, 2\] is a label after padding at step 1: padding \(-1\) ends"),
        ([[[PAD, PAD, PAD]]], r"Y\[0, 0, 0\] is -1: sequence 0 has no step with a label"),
        ([[[1, 99, 2]]], r"Y\[0, 0, 1\] is 99: outside \[0, 26\) for a 26-class softmax output"),
        ([[[1, -2, 2]]], r"Y\[0, 0, 1\] is -2: outside \[0, 26\)"),
        ([[1, 2, 3]], r"Y has shape \(1, 3\); a recurrent network takes labels \(1, m, T_x\)"),
        ([[[1.5, 2, 3]]], "Y labels must be whole numbers"),
    ],
)
def test_bad_labels_are_refused_in_one_line_naming_the_entry(labels, message):
    spec = recurrent_spec("rnn")
    X = np.zeros((26, 1, 3))
    with pytest.raises(ValueError, match=message):
        scratch.train(spec, X, np.array(labels), learning_rate=0.1, num_iterations=1)


def test_sequences_of_the_wrong_shape_are_refused_naming_the_layout():
    spec = recurrent_spec("lstm")
    params, labels = scratch.initialize_parameters(spec), np.zeros((1, 1, 2), int)
    with pytest.raises(ValueError, match=r"X has shape \(26, 3\); expected sequences \(n_x, m"):
        scratch.layer_internals(np.zeros((26, 3)), labels, params, spec)
    with pytest.raises(ValueError, match=r"X has shape \(5, 1, 2\); expected sequences"):
        scratch.cost_of(np.zeros((5, 1, 2)), labels, params, spec)
    bad = np.zeros((26, 1, 2))
    bad[3, 0, 1] = np.nan
    with pytest.raises(ValueError, match=r"X\[3, 0, 1\] \(example 0, step 1\)"):
        scratch.cost_of(bad, labels, params, spec)
