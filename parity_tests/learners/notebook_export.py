# ruff: noqa: F821  (a learner's code, as learners write it)
# A notebook exported to a script: its test cells run at the top level.
import numpy as np

get_ipython().run_line_magic("matplotlib", "inline")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


print("sigmoid([0, 2]) = " + str(sigmoid(np.array([0, 2]))))
