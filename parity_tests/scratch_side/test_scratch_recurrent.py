"""``scratch.course.recurrent``, ``scratch.course.language_model``, ``scratch.recurrent`` and the
name corpus: the course's functions reproduce the notebooks' expected outputs on the notebooks'
own inputs (drawn as the notebooks draw them, ``np.random.seed(s)`` then ``randn``, here from a
``RandomState(s)`` of their own), to every digit the notebooks print; bad input is refused in one
line; the language model is the sequence model of one example."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from scratch.course import language_model as lm
from scratch.course.recurrent import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)
from scratch.datasets import load_corpus, name_corpus, name_examples, vocabulary
from scratch.parity import assert_parity, compare_all
from scratch.recurrent import (
    inverse_cdf,
    label_sequences,
    one_hot_sequences,
    sample_uniforms,
    sequence_cost,
    sequence_internals,
)

Array = np.ndarray
DINOS_VOCABULARY = {ch: i for i, ch in enumerate(["\n", *"abcdefghijklmnopqrstuvwxyz"])}
NUMBER = re.compile(r"-?\d+\.?(\d*)(?:e-?\d+)?")


def assert_printed(actual, printed: str, *, truncated: bool = False) -> None:
    """``actual`` agrees with the numbers ``printed`` (as the notebook prints them) to every
    digit printed: within half a unit of the last one (a whole unit where the numbers were
    ``truncated``, as some of the public tests' are). Python prints a float's 17 significant
    digits, whose last few are the round-off of the summation order, so a number printed that
    long is held to 1e-12 of itself instead."""
    matches = list(NUMBER.finditer(printed))
    values = np.array([float(match[0]) for match in matches])
    unit = 1.0 if truncated else 0.5
    half_unit = np.array([unit * 10.0 ** -len(match[1]) for match in matches])
    allowed = np.maximum(half_unit, 1e-12 * np.abs(values)) * 1.001
    actual = np.ravel(actual)
    assert actual.shape == values.shape, f"{actual.size} values, the notebook prints {values.size}"
    outside = np.abs(actual - values) > allowed
    assert not outside.any(), f"got {actual[outside]}, the notebook prints {values[outside]}"


def notebook_rnn(rng: np.random.RandomState, order: str) -> dict[str, Array]:
    """The RNN's parameters drawn as a notebook cell draws them, in its ``order``."""
    shapes = {"Waa": (5, 5), "Wax": (5, 3), "Wya": (2, 5), "ba": (5, 1), "by": (2, 1)}
    return {key: rng.randn(*shapes[key]) for key in order.split()}


def notebook_lstm(rng: np.random.RandomState, Wy_drawn: bool = True) -> dict[str, Array]:
    """The LSTM's parameters as the notebook draws them: f, i, o, c (not the course's gate
    order), then ``Wy``, ``by`` (zeros, not drawn, in the ``lstm_backward`` example)."""
    p = {}
    for gate in "fioc":
        p[f"W{gate}"], p[f"b{gate}"] = rng.randn(5, 5 + 3), rng.randn(5, 1)
    if Wy_drawn:
        return p | {"Wy": rng.randn(2, 5), "by": rng.randn(2, 1)}
    return p | {"Wy": np.zeros((2, 5)), "by": np.zeros((2, 1))}


# --- The step-by-step notebook's expected outputs -------------------------------------------


def test_rnn_cell_forward_matches_the_notebook():
    rng = np.random.RandomState(1)
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, notebook_rnn(rng, "Waa Wax Wya ba by"))
    assert (a_next.shape, yt_pred.shape) == ((5, 10), (2, 10))
    assert_printed(
        a_next[4],
        "[ 0.59584544  0.18141802  0.61311866  0.99808218  0.85016201 "
        "0.99980978 -0.18887155  0.99815551  0.6531151   0.82872037]",
    )
    assert_printed(
        yt_pred[1],
        "[ 0.9888161   0.01682021  0.21140899  0.36817467  0.98988387 "
        "0.88945212  0.36920224  0.9966312   0.9982559   0.17746526]",
    )
    assert cache[0] is a_next and cache[1] is a_prev and cache[2] is xt and len(cache) == 4


def test_rnn_forward_matches_the_notebook():
    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    a, y_pred, caches = rnn_forward(x, a0, notebook_rnn(rng, "Waa Wax Wya ba by"))
    assert (a.shape, y_pred.shape, len(caches), len(caches[0])) == ((5, 10, 4), (2, 10, 4), 2, 4)
    assert_printed(a[4][1], "[-0.99999375  0.77911235 -0.99861469 -0.99833267]")
    assert_printed(y_pred[1][3], "[ 0.79560373  0.86224861  0.11118257  0.81515947]")
    assert_printed(caches[1][1][3], "[-1.1425182  -0.34934272 -0.20889423  0.58662319]")


def test_rnn_forward_matches_the_public_tests():
    rng = np.random.RandomState(17)
    x, a0 = rng.randn(4, 8, 13), rng.randn(7, 8)
    shapes = {"Waa": (7, 7), "Wax": (7, 4), "Wya": (3, 7), "ba": (7, 1), "by": (3, 1)}
    a, y_pred, _ = rnn_forward(x, a0, {key: rng.randn(*s) for key, s in shapes.items()})
    assert_printed(a[5, 2, 2:6], "[0.99999291, 0.99332189, 0.9921928, 0.99503445]")
    assert_printed(y_pred[2, 1, 1:5], "[0.19428, 0.14292, 0.24993, 0.00119]", truncated=True)


def test_lstm_cell_forward_matches_the_notebook():
    rng = np.random.RandomState(1)
    xt, a_prev, c_prev = rng.randn(3, 10), rng.randn(5, 10), rng.randn(5, 10)
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, notebook_lstm(rng))
    assert_printed(
        a_next[4],
        "[-0.66408471  0.0036921   0.02088357  0.22834167 -0.85575339 "
        "0.00138482  0.76566531  0.34631421 -0.00215674  0.43827275]",
    )
    assert_printed(
        c_next[2],
        "[ 0.63267805  1.00570849  0.35504474  0.20690913 -1.64566718 "
        "0.11832942  0.76449811 -0.0981561  -0.74348425 -0.26810932]",
    )
    assert_printed(
        yt[1],
        "[ 0.79913913  0.15986619  0.22412122  0.15606108  0.97057211 "
        "0.31146381  0.00943007  0.12666353  0.39380172  0.07828381]",
    )
    assert_printed(
        cache[1][3],
        "[-0.16263996  1.03729328  0.72938082 -0.54101719  0.02752074 "
        "-0.30821874  0.07651101 -1.03752894  1.41219977 -0.37647422]",
    )
    assert len(cache) == 10 and cache[8] is xt


def test_lstm_cell_forward_matches_the_public_tests():
    rng = np.random.RandomState(212)
    x, a0, c0 = rng.randn(4, 8), rng.randn(7, 8), rng.randn(7, 8)
    p = {}
    for gate in "fioc":
        p[f"W{gate}"], p[f"b{gate}"] = rng.randn(7, 11), rng.randn(7, 1)
    p |= {"Wy": rng.randn(3, 7), "by": rng.randn(3, 1)}
    _, _, y_pred, cache = lstm_cell_forward(x, a0, c0, p)
    first_two = {  # the cache's ft, it, cct, c_next, ot, a_next
        4: "[0.32969833, 0.0574555]",
        5: "[0.0036446, 0.9806943]",
        6: "[0.99903873, 0.57509956]",
        1: "[0.1352798,  0.39884899]",
        7: "[0.7477249,  0.71588751]",
        0: "[0.10053951, 0.27129536]",
    }
    for position, printed in first_two.items():
        assert_printed(cache[position][0, 0:2], printed)
    assert_printed(
        y_pred[1],
        "[0.417098, 0.449528, 0.223159, 0.278376, 0.68453,  0.419221, 0.564025, 0.538475]",
        truncated=True,
    )


def test_lstm_forward_matches_the_notebook():
    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    a, y, c, caches = lstm_forward(x, a0, notebook_lstm(rng))
    assert (a.shape, y.shape, c.shape, len(caches)) == ((5, 10, 7), (2, 10, 7), (5, 10, 7), 2)
    assert_printed(a[4][3][6], "0.172117767533")
    assert_printed(y[1][4][3], "0.95087346185")
    assert_printed(
        caches[1][1][1],
        "[ 0.82797464  0.23009474  0.76201118 -0.22232814 -0.20075807  0.18656139 0.41005165]",
    )
    assert_printed(c[1][2][1], "-0.855544916718")


def test_lstm_forward_matches_the_public_tests():
    rng = np.random.RandomState(45)
    x, a0 = rng.randn(4, 13, 16), rng.randn(3, 13)
    p = {}
    for gate in "fioc":
        p[f"W{gate}"], p[f"b{gate}"] = rng.randn(3, 7), rng.randn(3, 1)
    a, y, c, _ = lstm_forward(x, a0, p | {"Wy": rng.randn(2, 3), "by": rng.randn(2, 1)})
    assert_printed(a[2, 1, 4:6], "[-0.01606022,  0.0243569]")
    assert_printed(c[2, 1, 4:6], "[-0.02753855,  0.05668358]")
    assert_printed(y[1, 1, 4:6], "[0.70444592 ,0.70648935]")


def test_rnn_cell_backward_matches_the_notebook():
    rng = np.random.RandomState(1)
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    _, _, cache = rnn_cell_forward(xt, a_prev, notebook_rnn(rng, "Wax Waa Wya ba by"))
    grads = rnn_cell_backward(rng.randn(5, 10), cache)
    assert list(grads) == ["dxt", "da_prev", "dWax", "dWaa", "dba"]
    assert_printed(grads["dxt"][1][2], "-1.3872130506")
    assert_printed(grads["da_prev"][2][3], "-0.152399493774")
    assert_printed(grads["dWax"][3][1], "0.410772824935")
    assert_printed(grads["dWaa"][1][2], "1.15034506685")
    assert_printed(grads["dba"][4], "[ 0.20023491]")


def test_rnn_backward_matches_the_notebook():
    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    _, _, caches = rnn_forward(x, a0, notebook_rnn(rng, "Wax Waa Wya ba by"))
    grads = rnn_backward(rng.randn(5, 10, 4), caches)
    assert list(grads) == ["dx", "da0", "dWax", "dWaa", "dba"]
    assert_printed(grads["dx"][1][2], "[-2.07101689 -0.59255627  0.02466855  0.01483317]")
    assert_printed(grads["da0"][2][3], "-0.314942375127")
    assert_printed(grads["dWax"][3][1], "11.2641044965")
    assert_printed(grads["dWaa"][1][2], "2.30333312658")
    assert_printed(grads["dba"][4], "[-0.74747722]")


def test_lstm_cell_backward_matches_the_notebook():
    rng = np.random.RandomState(1)
    xt, a_prev, c_prev = rng.randn(3, 10), rng.randn(5, 10), rng.randn(5, 10)
    _, _, _, cache = lstm_cell_forward(xt, a_prev, c_prev, notebook_lstm(rng))
    grads = lstm_cell_backward(rng.randn(5, 10), rng.randn(5, 10), cache)
    assert list(grads)[:3] == ["dxt", "da_prev", "dc_prev"] and grads["dc_prev"].shape == (5, 10)
    for key, index, printed in [
        ("dxt", (1, 2), "3.23055911511"),
        ("da_prev", (2, 3), "-0.0639621419711"),
        ("dc_prev", (2, 3), "0.797522038797"),
        ("dWf", (3, 1), "-0.147954838164"),
        ("dWi", (1, 2), "1.05749805523"),
        ("dWc", (3, 1), "2.30456216369"),
        ("dWo", (1, 2), "0.331311595289"),
        ("dbf", (4, 0), "0.18864637"),
        ("dbi", (4, 0), "-0.40142491"),
        ("dbc", (4, 0), "0.25587763"),
        ("dbo", (4, 0), "0.13893342"),
    ]:
        assert_printed(grads[key][index], printed)


def notebook_lstm_backward() -> tuple[Array, tuple]:
    """The notebook's ``lstm_backward`` example: a 7-step forward pass (``Wy``, ``by`` zeros)
    and ``da`` of 4 steps."""
    rng = np.random.RandomState(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    _, _, _, caches = lstm_forward(x, a0, notebook_lstm(rng, Wy_drawn=False))
    return rng.randn(5, 10, 4), caches


def test_lstm_backward_matches_the_notebook_on_a_loss_of_the_first_four_states():
    """The notebook hands ``da`` of 4 steps to the caches of 7; here ``da`` covers all 7, zeros
    after the 4th (no loss on the last 3 states), and gives the notebook's numbers."""
    da, caches = notebook_lstm_backward()
    grads = lstm_backward(np.concatenate([da, np.zeros((5, 10, 3))], axis=2), caches)
    assert_printed(grads["dx"][1][2][:4], "[0.00218254  0.28205375 -0.48292508 -0.43281115]")
    assert not grads["dx"][:, :, 4:].any()
    for key, index, printed in [
        ("da0", (2, 3), "0.312770310257"),
        ("dWf", (3, 1), "-0.0809802310938"),
        ("dWi", (1, 2), "0.40512433093"),
        ("dWc", (3, 1), "-0.0793746735512"),
        ("dWo", (1, 2), "0.038948775763"),
        ("dbf", (4, 0), "-0.15745657"),
        ("dbi", (4, 0), "-0.50848333"),
        ("dbc", (4, 0), "-0.42510818"),
        ("dbo", (4, 0), "-0.17958196"),
    ]:
        assert_printed(grads[key][index], printed)


def test_lstm_backward_of_the_first_four_steps_is_that_of_the_loss_on_their_states():
    """What the notebook's 4-of-7 call computes, read as 4 steps: the same gradients, bit for
    bit, as the 7-step pass with nothing after the 4th (a later step's state cannot reach an
    earlier one)."""
    da, (steps, x) = notebook_lstm_backward()
    padded = lstm_backward(np.concatenate([da, np.zeros((5, 10, 3))], axis=2), (steps, x))
    first_four = lstm_backward(da, (steps[:4], x[:, :, :4]))
    for key, value in first_four.items():
        expected = padded[key][:, :, :4] if key == "dx" else padded[key]
        assert np.array_equal(value, expected), key


def test_lstm_backward_refuses_da_shorter_than_the_caches():
    da, caches = notebook_lstm_backward()
    with pytest.raises(
        ValueError,
        match=r"lstm_backward: da has shape \(5, 10, 4\); expected "
        r"\(n_a, m, T_x\), one step per cache = \(5, 10, 7\)",
    ):
        lstm_backward(da, caches)


# --- The language model's notebook ----------------------------------------------------------


def notebook_clip_gradients() -> dict[str, Array]:
    rng = np.random.RandomState(3)
    shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1)}
    return {key: rng.randn(*shape) * 10 for key, shape in shapes.items()}


@pytest.mark.parametrize(
    ("max_value", "printed"),
    [
        (10, ["10.0", "-10.0", "0.2971381536101662", "[10.]", "[8.45833407]"]),
        (5, ["5.0", "-5.0", "0.2971381536101662", "[5.]", "[5.]"]),
    ],
)
def test_clip_matches_the_notebook(max_value, printed):
    clipped = lm.clip(notebook_clip_gradients(), max_value)
    entries = [clipped["dWaa"][1][2], clipped["dWax"][3][1], clipped["dWya"][1][2]]
    for value, expected in zip(
        [*entries, clipped["db"][4], clipped["dby"][1]], printed, strict=True
    ):
        assert_printed(value, expected)


def test_clip_clips_each_entry_to_the_bound_and_returns_new_arrays():
    gradients = notebook_clip_gradients()
    before = {key: value.copy() for key, value in gradients.items()}
    clipped = lm.clip(gradients | {"da_next": np.full((5, 1), 100.0)}, 5)
    assert list(clipped) == ["dWaa", "dWax", "dWya", "db", "dby"]
    for key, value in clipped.items():
        assert np.array_equal(value, np.minimum(np.maximum(before[key], -5), 5)), key
        assert np.array_equal(gradients[key], before[key]), f"clip changed the caller's {key}"


def notebook_sample_parameters() -> dict[str, Array]:
    rng = np.random.RandomState(24)
    n_a, vocab_size = 100, 27
    Wax, Waa, Wya = rng.randn(n_a, vocab_size), rng.randn(n_a, n_a), rng.randn(vocab_size, n_a)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": rng.randn(n_a, 1), "by": rng.randn(27, 1)}


def test_sample_matches_the_notebook_without_touching_numpys_global_generator():
    state = np.random.get_state()
    indices = lm.sample(notebook_sample_parameters(), DINOS_VOCABULARY, 0)
    expected = [23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, 12, 2, 0]
    assert indices == expected
    after = np.random.get_state()
    assert state[2:] == after[2:] and np.array_equal(state[1], after[1])


def notebook_optimize_inputs() -> tuple[list, list, Array, dict[str, Array]]:
    rng = np.random.RandomState(1)
    vocab_size, n_a = 27, 100
    a_prev = rng.randn(n_a, 1)
    Wax, Waa, Wya = rng.randn(n_a, vocab_size), rng.randn(n_a, n_a), rng.randn(vocab_size, n_a)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": rng.randn(n_a, 1)}
    parameters["by"] = rng.randn(vocab_size, 1)
    return [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26], a_prev, parameters


def test_optimize_matches_the_notebook_and_updates_the_parameters_in_place():
    X, Y, a_prev, parameters = notebook_optimize_inputs()
    before = {key: value.copy() for key, value in parameters.items()}
    loss, gradients, a_last = lm.optimize(X, Y, a_prev, parameters, learning_rate=0.01)
    assert_printed(loss, "126.50397572165389")
    assert_printed(gradients["dWaa"][1][2], "0.19470931534713587")
    assert np.argmax(gradients["dWax"]) == 93
    assert_printed(gradients["dWya"][1][2], "-0.007773876032002162")
    assert_printed(gradients["db"][4], "[-0.06809825]")
    assert_printed(gradients["dby"][1], "[0.01538192]")
    assert_printed(a_last[4], "[-1.]")
    for key, value in parameters.items():
        assert np.array_equal(value, before[key] - 0.01 * gradients[f"d{key}"]), key


def test_initialize_parameters_draws_the_notebooks_numbers_without_global_seeding():
    state = np.random.get_state()
    parameters = lm.initialize_parameters(50, 27, 27)
    assert np.array_equal(np.random.get_state()[1], state[1])
    rng = np.random.RandomState(1)
    for key, shape in [("Wax", (50, 27)), ("Waa", (50, 50)), ("Wya", (27, 50))]:
        assert np.array_equal(parameters[key], rng.randn(*shape) * 0.01), key
    assert not parameters["b"].any() and parameters["by"].shape == (27, 1)


def test_the_language_model_is_the_sequence_model_of_one_example():
    """``rnn_forward``/``rnn_backward`` of the language model (one name, loss summed over time,
    gradients accumulated step by step) and ``scratch.recurrent.sequence_internals`` on the same
    name one-hot encoded (m = 1: the mean over examples is that one) agree by the referee."""
    X, Y, a_prev, parameters = notebook_optimize_inputs()
    parameters = {key: 0.1 * value for key, value in parameters.items()}
    loss, cache = lm.rnn_forward(X, Y, a_prev, parameters)
    gradients, _ = lm.rnn_backward(X, Y, parameters, cache)
    x, labels = one_hot_sequences([X], 27), label_sequences([Y])
    sequence = sequence_internals(x, a_prev, labels, lm.as_step_by_step(parameters), "rnn")
    ours = {"cost": np.asarray(loss), "da0": gradients["da_next"], "dba": gradients["db"]}
    ours |= {key: gradients[key] for key in ("dWax", "dWaa", "dWya", "dby")}
    assert_parity(compare_all(ours, {key: sequence[key] for key in ours}, names=("lm", "seq")))


# --- The sequence model, the draws and the corpus -------------------------------------------


def test_sequence_cost_sums_over_time_and_averages_over_examples():
    y_pred = np.full((4, 2, 3), 0.25)
    Y = np.zeros((1, 2, 3), np.int64)
    assert sequence_cost(y_pred, Y) == pytest.approx(3 * np.log(4), rel=1e-15)


def test_sample_uniforms_are_the_first_draws_of_seed_plus_2t():
    uniforms = sample_uniforms(7, 5)
    expected = [np.random.RandomState(7 + 2 * t).random_sample() for t in range(5)]
    assert uniforms.tolist() == expected


def test_inverse_cdf_picks_what_numpys_choice_picks():
    rng = np.random.default_rng(3)
    for seed in range(200):
        p = rng.dirichlet(np.full(27, 0.3))
        u = np.random.RandomState(seed).random_sample()
        assert inverse_cdf(p, u) == np.random.RandomState(seed).choice(27, p=p), seed


def test_name_corpus_is_seeded_words_each_ending_in_a_newline():
    text = name_corpus(400, seed=5)
    assert text == load_corpus("names", words=400, seed=5) and text != name_corpus(400, seed=6)
    words = text.split("\n")
    assert (
        len(words) == 401 and words[-1] == "" and all(re.fullmatch("[a-z]+", w) for w in words[:-1])
    )
    char_to_ix, ix_to_char = vocabulary(text)
    assert char_to_ix == DINOS_VOCABULARY and ix_to_char[0] == "\n"
    X, Y = name_examples(text, char_to_ix)[0]
    assert X[0] is None and X[1:] == Y[:-1] and Y[-1] == char_to_ix["\n"]
    assert [ix_to_char[i] for i in Y[:-1]] == list(words[0])


def test_an_unknown_corpus_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="corpus 'dinos' is unknown; built-in ones are names"):
        load_corpus("dinos")


# --- Bad input: one line naming the problem -------------------------------------------------


def _rnn(**changed) -> dict[str, Array]:
    return notebook_rnn(np.random.RandomState(0), "Waa Wax Wya ba by") | changed


def _rnn_caches() -> tuple:
    return rnn_forward(np.zeros((3, 2, 4)), np.zeros((5, 2)), _rnn())[2]


BAD_CALLS = [
    (
        lambda: rnn_cell_forward(np.zeros((3, 2)), np.zeros((5, 2)), _rnn(Wya=np.zeros((2, 4)))),
        r"rnn_cell_forward: parameters\['Wya'\] has shape \(2, 4\); expected \(n_y, n_a\) = "
        r"\(2, 5\) with n_a = 5 \(from Waa\), n_x = 3, n_y = 2",
    ),
    (
        lambda: rnn_cell_forward(np.zeros((4, 2)), np.zeros((5, 2)), _rnn()),
        r"rnn_cell_forward: xt has shape \(4, 2\); expected \(n_x, m\) = \(3, m\)",
    ),
    (
        lambda: rnn_forward(np.zeros((3, 2)), np.zeros((5, 2)), _rnn()),
        r"rnn_forward: x has shape \(3, 2\); expected \(n_x, m, T_x\) = \(3, m, T_x\)",
    ),
    (
        lambda: rnn_forward(np.zeros((3, 2, 4)), np.zeros((5, 3)), _rnn()),
        r"rnn_forward: a0 has shape \(5, 3\); expected \(n_a, m\) = \(5, 2\)",
    ),
    (
        lambda: lstm_forward(np.zeros((3, 2, 4)), np.zeros((5, 2)), _rnn()),
        r"lstm_forward: parameters has no Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy \(an LSTM needs",
    ),
    (
        lambda: rnn_backward(np.zeros((5, 2, 3)), _rnn_caches()),
        r"rnn_backward: da has shape \(5, 2, 3\); expected \(n_a, m, T_x\)",
    ),
    (
        lambda: rnn_cell_backward(np.zeros((5, 2)), ("not", "a cache")),
        r"rnn_cell_backward: cache must be the 4-tuple rnn_cell_forward returns",
    ),
    (lambda: lm.clip({"dWax": np.zeros(1)}, 5), r"clip: gradients has no dWaa, dWya, db, dby"),
    (
        lambda: lm.clip(notebook_clip_gradients(), -5),
        r"clip: maxValue must be a positive finite number, got -5",
    ),
    (
        lambda: lm.rnn_forward([None, 3], [3], np.zeros((100, 1)), notebook_sample_parameters()),
        r"rnn_forward: X and Y must be lists of the same length >= 1 .* lengths 2 and 1",
    ),
    (
        lambda: lm.rnn_forward(
            [None, 30], [3, 0], np.zeros((100, 1)), notebook_sample_parameters()
        ),
        r"rnn_forward: X\[1\] is 30; a character index is an integer in \[0, 27\)",
    ),
    (
        lambda: lm.sample(_rnn(), DINOS_VOCABULARY, 0),
        r"sample: parameters has no b .*; the step-by-step ba is b here",
    ),
    (
        lambda: sequence_cost(np.full((4, 2, 3), 0.25), np.full((1, 2, 3), 4)),
        r"sequence_cost: Y holds label 4, outside \[0, 4\) for 4 classes",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD_CALLS)
def test_bad_input_is_refused_in_one_line_naming_it(call, message):
    with pytest.raises((ValueError, TypeError), match=message) as raised:
        call()
    assert "\n" not in str(raised.value)


def test_the_recurrent_modules_never_import_torch():
    modules = "scratch.recurrent, scratch.course.recurrent, scratch.course.language_model"
    code = f"import {modules}, sys; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
