"""``scratch.documents``: a JSON or YAML document is read within bounds. A file that is not a
regular file is refused before it is opened (a FIFO never blocks, ``/dev/zero`` never streams),
a document is at most 1 MiB and ``MAX_VALUES`` values with its aliases expanded (an alias bomb is
refused before anything walks it), and a key appears once in a mapping. Each refusal is one line
naming the file."""

from __future__ import annotations

import pytest
from hostile_files import fifo, laughs, merge_bomb, within

from scratch.documents import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    parse_json,
    parse_yaml,
    read_document,
)

LABEL = "config file c.yaml"


def refused(text: str, *, yaml: bool = True) -> str:
    """The one line ``text`` is refused with, within seconds."""
    parse = parse_yaml if yaml else parse_json
    with within(20), pytest.raises(ValueError) as caught:
        parse(text, LABEL, "a config file")
    message = str(caught.value)
    assert message.startswith(LABEL) and "\n" not in message, message
    return message


@pytest.mark.parametrize(
    ("text", "values"),
    [(laughs(9, 9), 490_329_064), (laughs(30, 10), None), (merge_bomb(9, 9), None)],
    ids=["billion laughs", "10^30 laughs", "merge keys"],
)
def test_an_alias_bomb_is_refused_counting_what_it_would_expand_to(text, values):
    message = refused(text)
    assert "values once its aliases are expanded; a config file may hold at most" in message
    if values is not None:
        assert f"holds {values} values" in message, message


def test_aliases_within_the_limit_expand_as_yaml_says():
    text = "base: &b {lr: 0.5, seed: 3}\nrun: {<<: *b, seed: 4}\nlist: &l [1, 2]\nboth: [*l, *l]\n"
    data = parse_yaml(text, LABEL, "a config file")
    assert data["run"] == {"lr": 0.5, "seed": 4}, "a merged key may be overridden"
    assert data["both"] == [[1, 2], [1, 2]]
    wide = "a: &a [" + ", ".join(["1"] * 999) + "]\nb: [" + ", ".join(["*a"] * 98) + "]\n"
    assert len(parse_yaml(wide, LABEL, "a config file")["b"]) == 98  # 99,004 values: allowed
    assert "holds 100004 values" in refused(wide.replace("*a]", "*a, *a]"))
    assert MAX_VALUES == 100_000


def test_an_alias_inside_the_node_it_names_is_refused():
    assert "holds an alias inside the node it names" in refused("a: &a [1, *a]\n")
    assert "holds an alias inside the node it names" in refused("a: &a {x: *a}\n")


@pytest.mark.parametrize(
    ("text", "yaml", "says"),
    [
        (
            "lr: 0.5\niterations: 3\nlr: 0.1\n",
            True,
            "gives the key 'lr' twice in one mapping (lines",
        ),
        (
            "{lr: 0.5, lr: 0.1}\n",
            True,
            "the key 'lr' twice in one mapping (line 1, columns 2 and 11)",
        ),
        (
            "spec:\n  seed: 1\n  seed: 2\n",
            True,
            "the key 'seed' twice in one mapping (lines 2 and 3)",
        ),
        ('{"lr": 0.5, "lr": 0.1}', True, "the key 'lr' twice in one mapping (line 1, columns"),
        ('{"lr": 0.5, "lr": 0.1}', False, "gives the key 'lr' twice in one mapping"),
        ('{"a": {"b": 1, "b": 1}}', False, "gives the key 'b' twice in one mapping"),
        ("1: a\n1.0: b\n", True, "gives the key 1.0 twice"),
    ],
    ids=["YAML", "YAML flow", "YAML nested", "JSON as YAML", "JSON", "JSON nested", "equal keys"],
)
def test_a_key_given_twice_is_refused_naming_it(text, yaml, says):
    message = refused(text, yaml=yaml)
    assert says in message, message


def test_a_document_larger_than_the_limit_is_refused_and_one_at_it_is_read(tmp_path):
    path = tmp_path / "c.yaml"
    comment = b"# padding\n"
    path.write_bytes(b"lr: 0.5\n" + comment * ((MAX_BYTES - 8) // len(comment)))
    assert read_document(path, LABEL, "a config file", yaml=True) == {"lr": 0.5}
    path.write_bytes(b"lr: 0.5\n" + b"#" * MAX_BYTES)
    with pytest.raises(ValueError, match=r"c\.yaml is larger than a config file may be \(1 MiB\)"):
        read_document(path, LABEL, "a config file", yaml=True)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: fifo(tmp, "c.yaml"), r"is a FIFO \(a named pipe\), not a file"),
        (lambda tmp: "/dev/zero", "is a character device, not a file"),
        (lambda tmp: tmp, "is a folder, not a file"),
        (lambda tmp: tmp / "missing.yaml", "does not exist"),
    ],
    ids=["fifo", "device", "folder", "missing"],
)
@pytest.mark.parametrize("yaml", [True, False], ids=["yaml", "json"])
def test_a_path_that_is_no_regular_file_is_refused_before_it_is_opened(tmp_path, make, says, yaml):
    with within(20), pytest.raises(ValueError, match=f"^{LABEL} {says}$"):
        read_document(make(tmp_path), LABEL, "a config file", yaml=yaml)


def _read(path, yaml=True):
    return read_document(path, f"spec file {path.name}", "a spec", yaml=yaml)


def test_a_yaml_document_and_its_json_form_read_the_same(tmp_path):
    (tmp_path / "a.yaml").write_text("input_size: 2\nlayers:\n  - {units: 1}\n")
    (tmp_path / "a.json").write_text('{"input_size": 2, "layers": [{"units": 1}]}')
    assert _read(tmp_path / "a.yaml") == _read(tmp_path / "a.json", yaml=False)


def test_a_byte_order_mark_is_read_past(tmp_path):
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"seed": 3}')
    assert _read(tmp_path / "bom.json", yaml=False) == {"seed": 3}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "spec file s.yaml does not exist"),
        (b"seed: \xff\n", "spec file s.yaml is not UTF-8 text (byte 6 is 0xff)"),
        (b"layers: [1, 2\nseed: 3\n", "spec file s.yaml cannot be read: "),
    ],
)
def test_a_file_that_cannot_be_a_document_is_one_line_starting_with_the_label(
    tmp_path, content, says
):
    path = tmp_path / "s.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError) as raised:
        _read(path)
    assert str(raised.value).startswith(says) and "\n" not in str(raised.value)


def test_a_yaml_error_names_its_line_and_column():
    with pytest.raises(ValueError) as raised:
        parse_yaml("seed: 1\nlr: a: b\n", "config c.yaml", "a config")
    assert str(raised.value) == (
        "config c.yaml cannot be read: mapping values are not allowed here at line 2, column 6"
    )


def test_a_json_error_is_one_line_starting_with_the_label():
    with pytest.raises(ValueError, match=r"^spec s\.json: not valid JSON \(.*line 1 column 12"):
        parse_json('{"seed": 1,}', "spec s.json", "a spec")


@pytest.mark.parametrize("parse", [parse_json, parse_yaml])
def test_a_document_nested_max_depth_deep_is_read_and_one_level_more_is_refused(parse):
    def nested(depth: int) -> str:
        return "[" * depth + "]" * depth

    assert parse(nested(MAX_DEPTH), "f", "a spec") is not None
    with pytest.raises(ValueError, match=r"^f is nested too deeply to be a spec$"):
        parse(nested(MAX_DEPTH + 1), "f", "a spec")
