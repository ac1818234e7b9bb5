"""ui/shell.py, in-process: the built app's widgets reproduce RunConfig's defaults, every tab opens
with its explanation (open in workshop mode), bad widget values name the field, and the sign-in
button shows only when the operator turns sign-in on."""

from __future__ import annotations

import gradio as gr
import pytest


def test_the_sign_in_button_is_there_only_when_the_operator_turns_sign_in_on(monkeypatch):
    pytest.importorskip("authlib")  # gradio[oauth]
    from gradio import oauth

    from ui.common import AppSettings

    monkeypatch.setenv("SYSTEM", "spaces")  # Gradio mocks sign-in off a Space (needing a Hub token)
    monkeypatch.setenv("SPACE_ID", "me/studio")
    for name, value in (("OAUTH_CLIENT_ID", "id"), ("OAUTH_CLIENT_SECRET", "secret"), ("OAUTH_SCOPES", "openid"),
                        ("OPENID_PROVIDER_URL", "https://huggingface.co")):  # what hf_oauth: true sets
        monkeypatch.setattr(oauth, name, value)
    from ui.shell import build

    def buttons(settings):
        demo, _ = build(settings)
        return [b for b in demo.blocks.values() if isinstance(b, gr.LoginButton)]

    assert not buttons(AppSettings(mode="shared"))
    assert len(buttons(AppSettings(mode="shared", login="offered"))) == 1


def test_widgets_reproduce_the_default_runconfig():
    """Every widget's initial value is its RunConfig default: no defaults typed in the UI."""
    from core.config import RunConfig
    from ui.common import Session
    from ui.shell import build

    _, ctx = build()
    values = {f.name: f.component.value for f in ctx.form.fields}
    values.update({name: comp.value for name, comp in ctx.form.extras.items()})
    cfg = ctx.form.to_config(Session(), values)
    assert cfg.to_dict() == RunConfig().to_dict()
    assert len(ctx.form.fields) >= 50
    helps = [f.component.info for f in ctx.form.fields if hasattr(f.component, "info")]
    assert all(helps), "every config widget shows its field's help text"


@pytest.mark.parametrize("workshop", [False, True])
def test_every_tab_starts_with_an_explanation_open_in_workshop_mode(workshop):
    import gradio as gr

    from ui.common import EXPLAIN_TITLE, AppSettings
    from ui.shell import build

    demo, ctx = build(AppSettings(workshop=workshop))
    labels = [tab.label for tab in ctx.tab_items.values()]
    assert labels[:5] == (["1. Data", "2. Model", "3. Tokenize & pad", "4. Method & precision", "5. Train"]
                          if workshop else ["Data", "Model", "Tokenize & pad", "Method & precision", "Train"])
    explanations = [b for b in demo.blocks.values() if isinstance(b, gr.Accordion) and b.label == EXPLAIN_TITLE]
    assert len(explanations) >= 5 and all(a.open == workshop for a in explanations)


def test_bad_widget_values_name_the_field():
    from core.config import ConfigError
    from ui.common import Session
    from ui.shell import build

    _, ctx = build()
    with pytest.raises(ConfigError, match="train.learning_rate"):
        ctx.form.to_config(Session(), {"learning_rate": -1.0})
    with pytest.raises(ConfigError, match="train.max_steps needs a whole number"):
        ctx.form.to_config(Session(), {"max_steps": None})
