"""A training run of ``nn-train``: each side trained on its own turn at the cores (``training``,
``cores``), the run kept in a folder of its own, written whole or not at all (``folder``,
``staging``, ``files``), its cost curves (``costs``) and pictures (``plots``)."""
