"""What a command works on: the data in its own file format (``data``), the spec the flags
describe (``network``), and the data, spec and starting weights checked against each other
(``problem``)."""
