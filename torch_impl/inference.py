"""The trained network at work on the torch side: predictions from the module in ``eval()`` mode
(``nn.BatchNorm1d`` by its running statistics, ``MaskedDropout`` dropping nothing), the twin of
``scratch.inference``, with the same arguments and results in course layout.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from scratch.spec import NetworkSpec
from scratch.validation import as_input
from torch_impl.network import SpecNet, build_module
from torch_impl.transfer import examples_to_torch, to_course


def predict_with(net: SpecNet, X: torch.Tensor) -> torch.Tensor:
    """``net``'s predictions for ``X`` (m, n[0]), or images (m, C, H, W), in eval mode, decided
    by torch: class 1 where ``AL > 0.5`` (binary) or the arg-max class (softmax), (m, 1) int64,
    or ``AL`` itself (regression). The module's mode is put back as it was."""
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            AL = net.probabilities(X)
    finally:
        net.train(was_training)
    if net.spec.loss == "binary_cross_entropy":
        return (AL > 0.5).long()
    if net.spec.loss == "cross_entropy":
        return AL.argmax(dim=1, keepdim=True)
    return AL


def predict(
    X: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
) -> np.ndarray:
    """``scratch.predict`` on the torch side: ``X`` (n[0], m) (or images) in, predictions (1, m) or
    (n[L], m) out, from the module built from ``params`` (its running statistics included)."""
    net = build_module(spec, params).to(device)
    return to_course(predict_with(net, examples_to_torch(as_input(X, spec), device)))
