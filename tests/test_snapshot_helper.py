"""`assert_snapshot` itself: a missing snapshot fails until UPDATE_SNAPSHOTS=1 accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import conftest


def test_a_missing_snapshot_fails_and_update_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "SNAPSHOTS", tmp_path)
    monkeypatch.setattr(conftest, "UPDATE", False)
    with pytest.raises(pytest.fail.Exception, match="snapshot new.txt is missing"):
        conftest.assert_snapshot("new.txt", "one\n")
    assert not (tmp_path / "new.txt").exists()
    monkeypatch.setattr(conftest, "UPDATE", True)
    conftest.assert_snapshot("new.txt", "one\n")
    assert (tmp_path / "new.txt").read_text(encoding="utf-8") == "one\n"
    monkeypatch.setattr(conftest, "UPDATE", False)
    conftest.assert_snapshot("new.txt", "one\n")
    with pytest.raises(AssertionError, match="snapshot new.txt changed"):
        conftest.assert_snapshot("new.txt", "two\n")
