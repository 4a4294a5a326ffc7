"""``scratch.course.helpers``: the stand-ins for the course's helper modules compute what the
course's helpers compute (an activation and its cache ``Z``; the backward maps of ``dA``; the
second course's three-layer network, initialisers, costs and vector helpers, each as its module
keys or scales them); what needs the course's own files raises, saying how to do without, and
plots draw nothing; a stand-in's function is never taken for the learner's; each module is
described in one line by what it provides."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import gradient_checking, helpers, initialization, language_model, three_layer
from scratch.course.helpers import ACTIVATIONS, MODULES, PLANAR, describe
from scratch.grading import cases
from torch_impl import course as truth


def provided(module: str, name: str):
    return MODULES[module][1][name]


def test_an_activation_helper_returns_the_activation_and_z_as_its_cache():
    Z = np.array([[-2.0, 0.0, 3.0]])
    A, cache = ACTIVATIONS["relu"](Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    assert cache is Z
    A, cache = ACTIVATIONS["sigmoid"](Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-15)
    assert cache is Z


def test_the_backward_helpers_follow_the_course_relu_prime_of_0_is_0():
    Z = np.array([[-2.0, 0.0, 3.0]])
    dA = np.array([[5.0, 6.0, 7.0]])
    np.testing.assert_array_equal(ACTIVATIONS["relu_backward"](dA, Z), [[0.0, 0.0, 7.0]])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(ACTIVATIONS["sigmoid_backward"](dA, Z), dA * s * (1 - s), rtol=1e-15)


def test_the_planar_helpers_load_the_flower_and_draw_nothing():
    X, Y = PLANAR["load_planar_dataset"]()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    for module in ("planar_utils", "init_utils"):
        assert provided(module, "plot_decision_boundary")(lambda x: x, X, Y) is None


@pytest.mark.parametrize(
    ("module", "name", "what"),
    [
        ("lr_utils", "load_dataset", "the cat pictures"),
        ("reg_utils", "load_2D_dataset", "the course's data set"),
    ],
)
def test_a_helper_that_would_need_the_courses_files_says_how_to_do_without(module, name, what):
    with pytest.raises(RuntimeError) as raised:
        provided(module, name)()
    assert str(raised.value) == (
        f"nn-check's stand-in cannot load {what}: its data is the course's own file; a "
        "notebook's definitions only (nn-check's default for a notebook, --definitions-only for "
        "a .py file) leave it out"
    )


@pytest.mark.parametrize(
    "module", ["reg_utils", "init_utils", "opt_utils_v1a", "gc_utils", "utils", "rnn_utils"]
)
def test_a_stand_ins_functions_are_the_helper_modules_never_the_learners(module):
    """A function of another course module served by a stand-in is defined in ``helpers``:
    nn-check tells a learner's own function by where it is defined."""
    for function in MODULES[module][1].values():
        assert getattr(function, "__module__", helpers.__name__) == helpers.__name__, function


def test_reg_utils_backward_keeps_the_courses_keys_and_the_others_carry_their_1_over_m():
    case = cases.three_layers(truth)[0]
    X, Y, params = case.X, case.Y, case.params
    a3, cache = provided("reg_utils", "forward_propagation")(X, params)
    upper = provided("reg_utils", "backward_propagation")(X, Y, cache)
    lower = provided("init_utils", "backward_propagation")(X, Y, cache)
    np.testing.assert_array_equal(a3, three_layer.forward(X, params)[0])
    assert upper.keys() == three_layer.backward(X, Y, cache).keys()
    np.testing.assert_array_equal(lower["dz3"], upper["dZ3"] / 5)
    np.testing.assert_array_equal(lower["da2"], upper["dA2"] / 5)
    np.testing.assert_array_equal(lower["dW2"], upper["dW2"])


def test_the_initialisers_draw_after_np_random_seed_3():
    dims = [2, 4, 1]
    He = provided("opt_utils_v1a", "initialize_parameters")(dims)
    scaled = provided("reg_utils", "initialize_parameters")(dims)
    expected = initialization.initialize_parameters_he(dims)
    for key in expected:
        np.testing.assert_array_equal(He[key], expected[key])
    draws = initialization.course_draws(dims)
    np.testing.assert_array_equal(scaled["W1"], draws["W1"] / np.sqrt(2))
    assert list(scaled) == ["W1", "b1", "W2", "b2"] and not scaled["b2"].any()


def test_the_costs_average_or_sum_as_each_module_does():
    a3, Y = np.array([[0.8, 0.3]]), np.array([[1.0, 0.0]])
    losses = -np.log([0.8, 0.7])
    assert provided("opt_utils", "compute_cost")(a3, Y) == pytest.approx(losses.mean())
    assert provided("opt_utils_v1a", "compute_cost")(a3, Y) == pytest.approx(losses.sum())


def test_gc_utils_vector_helpers_are_the_courses():
    params = {k: np.full(s, i, float) for i, (k, s) in enumerate(gradient_checking.SHAPES.items())}
    theta, keys = provided("gc_utils", "dictionary_to_vector")(params)
    ours = gradient_checking.dictionary_to_vector(params)
    np.testing.assert_array_equal(theta, ours[0])
    assert keys == ours[1]


@pytest.mark.parametrize(
    ("module", "description"),
    [
        (
            "dnn_utils",
            "dnn_utils is the course's activation helpers (sigmoid, relu, sigmoid_backward, "
            "relu_backward)",
        ),
        (
            "gc_utils",
            "gc_utils is the gradient checking assignment's helpers (sigmoid, relu, "
            "dictionary_to_vector, vector_to_dictionary, gradients_to_vector)",
        ),
        ("testCases_v4a", "testCases_v4a is the course's test cases, which nn-check does not need"),
        ("public_tests", "public_tests is the course's test cases, which nn-check does not need"),
        ("numpy", None),
    ],
)
def test_a_helper_module_is_described_in_one_line_by_what_it_provides(module, description):
    assert describe(module) == description


def test_the_fifth_courses_helpers_are_its_softmax_and_the_language_models_rnn(rng):
    z = rng.standard_normal((4, 3))
    e = np.exp(z - z.max())
    np.testing.assert_allclose(provided("rnn_utils", "softmax")(z), e / e.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(
        provided("rnn_utils", "sigmoid")(z), 1 / (1 + np.exp(-z)), rtol=1e-15
    )
    parameters = language_model.initialize_parameters(5, 27, 27)
    assert provided("utils", "rnn_forward").__wrapped__ is language_model.rnn_forward
    loss, _ = provided("utils", "rnn_forward")(
        [None, 3, 1], [3, 1, 0], np.zeros((5, 1)), parameters
    )
    assert np.isclose(loss, language_model.get_initial_loss(27, 3), rtol=1e-3)  # a small start
    assert (
        provided("utils", "get_sample")(
            [4, 9, 14, 15, 0], dict(enumerate("\nabcdefghijklmnopqrstuvwxyz"))
        )
        == "Dino\n"
    )


def test_shakespeare_utils_keeps_its_sample_out_of_the_notebooks_and_runs_no_keras():
    """Its ``sample(preds, temperature)`` would shadow the notebook's own ``sample`` after
    ``from shakespeare_utils import *``."""
    assert "sample" not in MODULES["shakespeare_utils"][1]
    with pytest.raises(RuntimeError, match="Keras model of Shakespeare"):
        provided("shakespeare_utils", "generate_output")()
