"""``scratch.documents``: a JSON or YAML document read with one-line errors that start with the
caller's label, and one nesting rule for both formats (``MAX_DEPTH`` lists and mappings)."""

from __future__ import annotations

import pytest

from scratch.documents import MAX_DEPTH, parse_json, parse_yaml, read_document


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
