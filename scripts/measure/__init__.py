"""The parts of ``measure_tolerances``: the random networks and runs it measures (``cases``), the
torch side's modes (``modes``), and its report (``report``)."""
