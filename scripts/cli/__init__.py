"""What every command shares on the command line: typed settings dataclasses made flags by
jsonargparse (``parser``, ``fields``), config files (``config_file``), every command's settings
(``settings``), and one-line failures with their exit codes (``errors``)."""
