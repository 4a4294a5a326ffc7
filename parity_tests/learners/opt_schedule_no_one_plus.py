"""optimizers, schedule_lr_decay: the 1 + is missing from the denominator."""

import numpy as np


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    return learning_rate0 / (decay_rate * np.floor(epoch_num / time_interval))
