"""ui/code.py, in-process: the script shown in shared mode names an upload as the user named it,
never by its place on the server."""

from core.config import RunConfig
from core.paths import uploads_dir
from ui.code import shown_config
from ui.common import AppSettings


def test_shared_mode_names_an_upload_by_its_file_name_only():
    upload = uploads_dir() / ("b" + "0" * 32) / "reviews.csv"
    cfg = RunConfig().replace(data={"path": str(upload), "validation_path": str(upload.with_name("val.csv"))})
    shown = shown_config(cfg, AppSettings(mode="shared"))
    assert (shown.data.path, shown.data.validation_path) == ("reviews.csv", "val.csv")
    assert shown.replace(data={"path": cfg.data.path, "validation_path": cfg.data.validation_path}) == cfg
    assert shown_config(cfg, AppSettings(mode="local")) is cfg  # on your own machine the real path is useful
    bundled = RunConfig()
    assert shown_config(bundled, AppSettings(mode="shared")).data.path == bundled.data.path  # not an upload
