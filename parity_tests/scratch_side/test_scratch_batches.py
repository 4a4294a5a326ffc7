"""``scratch.BatchSchedule``: which examples step t uses, every example once an epoch, the same
order from any starting step."""

from __future__ import annotations

import numpy as np

from scratch import BatchSchedule


def test_batch_schedule_covers_each_example_once_per_epoch():
    schedule = BatchSchedule(m=10, batch_size=4, seed=3)
    assert schedule.steps_per_epoch == 3
    steps = list(schedule.batches(0, 6))
    assert [len(b) for b in steps] == [4, 4, 2, 4, 4, 2]
    first, second = np.concatenate(steps[:3]), np.concatenate(steps[3:])
    assert sorted(first) == sorted(second) == list(range(10))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(next(iter(schedule.batches(4, 5))), steps[4])
    ordered = BatchSchedule(m=10, batch_size=4, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(list(ordered.batches(0, 3))), np.arange(10))
    assert list(BatchSchedule(m=10, batch_size=None).batches(0, 2)) == [None, None]
