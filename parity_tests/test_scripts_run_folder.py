"""Run folders (``scripts.run_folder``) never lose a finished run: a run is published whole or
not at all, and replaces an earlier one only when asked."""

from __future__ import annotations

import pytest

from scripts.errors import UserError
from scripts.run_folder import RunFolder


def test_an_unfinished_run_leaves_no_folder_behind(tmp_path):
    with pytest.raises(KeyboardInterrupt), RunFolder(tmp_path, None, "run", False) as folder:
        folder.file("costs.csv").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_an_earlier_run_only_once_the_new_one_is_complete(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "costs.csv").write_text("old")
    (tmp_path / "mine" / "torch.ckpt").write_text("old")
    with RunFolder(tmp_path, "mine", "unused", True) as folder:
        folder.file("costs.csv").write_text("new")
        assert (tmp_path / "mine" / "costs.csv").read_text() == "old"
        folder.publish()
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["costs.csv"]
    assert (tmp_path / "mine" / "costs.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


@pytest.mark.parametrize(("overwrite", "published"), [(False, "run-2"), (True, "run")])
def test_without_a_name_a_run_is_numbered_unless_it_overwrites_the_default_name(
    tmp_path, overwrite, published
):
    (tmp_path / "run").mkdir()
    with RunFolder(tmp_path, None, "run", overwrite) as folder:
        folder.file("costs.csv").write_text("new")
        assert folder.publish() == tmp_path / published
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"run", published})


def test_a_name_taken_while_the_run_was_going_is_not_overwritten(tmp_path):
    with RunFolder(tmp_path, "mine", "unused", False) as folder:
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "theirs").write_text("keep")
        assert folder.publish() == tmp_path / "mine-2"
    assert (tmp_path / "mine" / "theirs").read_text() == "keep"


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", ".."])
def test_a_run_name_must_be_a_plain_folder_name(tmp_path, name):
    with pytest.raises(UserError, match="must be a plain folder name"):
        RunFolder(tmp_path, name, "unused", False)
