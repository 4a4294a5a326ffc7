"""``torch_impl.batches.ScheduledBatches``: the scratch schedule's batches, as views of one
buffer (full batch: no copy at all), one epoch per ``iter()``, sharded over processes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def test_batches_follow_the_scratch_schedule_as_views_of_one_buffer(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=64, shuffle=True, seed=9)
    batches = torch_impl.ScheduledBatches(X, Y, schedule, start=5, stop=20)
    buffer = batches.X_epoch.untyped_storage().data_ptr()
    expected = list(schedule.batches(5, 20))
    served = 0
    # A batch is a view of the epoch's buffer: compare it before the next epoch refills it.
    for (Xb, Yb), index in zip(batches.steps(), expected, strict=True):
        assert np.array_equal(torch_impl.to_course(Xb), X[:, index])
        assert np.array_equal(torch_impl.to_course(Yb), Y[:, index])
        assert Xb.untyped_storage().data_ptr() == buffer
        served += 1
    assert served == 15


def test_full_batch_is_served_without_a_copy(planar):
    _, X, Y, _ = planar
    batches = torch_impl.ScheduledBatches(X, Y, scratch.BatchSchedule(m=400), start=0, stop=3)
    served = list(batches.steps())
    assert len(served) == 3
    assert all(Xb is batches.X and Yb is batches.T for Xb, Yb in served)


@pytest.mark.parametrize(
    ("batch_size", "start", "epochs", "length"),
    [(None, 3, [7], 7), (64, 5, [2, 7, 1], 7), (64, 7, [7, 3], 7)],
    ids=["full-batch-one-epoch", "mini-resumed-mid-epoch", "mini-from-an-epoch-start"],
)
def test_each_iter_is_one_epoch_no_longer_than_announced(planar, batch_size, start, epochs, length):
    # Lightning runs one epoch per iter() and sizes its progress bar with len(), which it may
    # read again mid-epoch: the length is a whole epoch's, whatever has been served.
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=batch_size, seed=2)
    batches = torch_impl.ScheduledBatches(X, Y, schedule, start=start, stop=start + sum(epochs))
    served = []
    while count := sum(1 for _ in batches if len(batches) == length):
        served.append(count)
    assert served == epochs


def test_the_shards_of_two_processes_make_up_each_batch(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=100, seed=4)
    shards = [
        list(torch_impl.ScheduledBatches(X, Y, schedule, 0, 4, rank=rank, shards=2))
        for rank in (0, 1)
    ]
    for (X0, _), (X1, _), index in zip(*shards, schedule.batches(0, 4), strict=True):
        assert X0.shape == X1.shape == (50, 2)
        assert np.array_equal(torch_impl.to_course(torch.cat([X0, X1])), X[:, index])


def test_batches_that_do_not_split_evenly_over_processes_are_refused(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=64)  # the last batch holds 16
    with pytest.raises(ValueError, match="a batch of 16 examples cannot be split into 3"):
        torch_impl.ScheduledBatches(X, Y, schedule, start=0, stop=1, shards=3)


@pytest.mark.parametrize("batch_size", [None, 100])
def test_each_batch_carries_its_steps_masks_sharded_like_its_examples(planar, batch_size):
    _, X, Y, _ = planar
    spec = scratch.build_spec([2, 4, 3, 1], "relu").with_hidden_layers(keep_prob=[0.5, 1.0])
    schedule = scratch.BatchSchedule(m=400, batch_size=batch_size, seed=4)
    size = schedule.batch_size or 400
    shards = [
        list(torch_impl.ScheduledBatches(X, Y, schedule, 3, 6, rank=r, shards=2, spec=spec))
        for r in (0, 1)
    ]
    for t, (first, second) in enumerate(zip(*shards, strict=True), start=3):
        (_, _, masks0), (_, _, masks1) = first, second
        assert list(masks0) == ["D1"] and masks0["D1"].shape == (size // 2, 4)
        whole = torch_impl.to_course(torch.cat([masks0["D1"], masks1["D1"]]))
        assert np.array_equal(whole, scratch.dropout_masks(spec, size, t)["D1"])
    plain = torch_impl.ScheduledBatches(
        X, Y, schedule, 0, 1, spec=spec.with_hidden_layers(keep_prob=1)
    )
    assert all(len(batch) == 2 for batch in plain)
