"""core/paths.py: names and paths a user types stay inside the workspace and the bundled assets."""

import pytest

from core.paths import PathError, confine, safe_child, workspace


@pytest.mark.parametrize("bad", ["../outside", "/etc", "a/../../b", "..", "", "x/y"])
def test_user_names_cannot_escape(bad, tmp_path):
    with pytest.raises(PathError):
        safe_child(tmp_path, bad)


@pytest.mark.parametrize("bad", ["/etc/passwd", "../../../../etc/passwd", "~/.ssh/id_rsa"])
def test_user_paths_are_confined(bad):
    with pytest.raises(PathError, match="outside the folders"):
        confine(bad)
    assert confine(workspace() / "runs") == workspace() / "runs"
    assert confine("assets/data/sentiment.csv").name == "sentiment.csv"
