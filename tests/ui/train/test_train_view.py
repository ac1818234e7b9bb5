"""The trained/masked view of a causal run (ui/train_view.py): the renderer escapes what it
draws and marks the cut; through a real app (gradio_client) the Tokenize & pad tab shows the
bundled chat set on SmolLM2 with trained chips only inside the assistant's answers, each
answer's <|im_end|> trained, system and user turns masked; a max_length too small for any
answer raises the untrained-rows alarm there and again under the Train tab's plan."""

from __future__ import annotations

import html
import re

import pytest

from core.config import STARTER_SMOLLM2
from core.data.alarms import Alarm
from ui.train_view import alarms_html, chips_html, token_label

CHIP = re.compile(r'<span class="fts-tchip [^"]*" title="[^"]*" data-role="(\w+)" data-trained="([01])" '
                  r'data-special="([01])"><span class="fts-tok">(.*?)</span><span class="fts-id">(\d+)</span></span>')


def chips_of(panel: str) -> list[dict]:
    return [{"role": r, "trained": t == "1", "special": s == "1", "text": html.unescape(x), "id": int(i)}
            for r, t, s, x, i in CHIP.findall(panel)]


def token(pos, text, role, trained, kept=True, special=False):
    return {"pos": pos, "id": pos + 100, "text": text, "special": special, "trained": trained, "kept": kept,
            "role": role}


# --------------------------------------------------------------------------- the renderer
def test_chips_escape_token_text_and_mark_the_cut():
    row = {"tokens": [token(0, "<|im_start|>", "template", False, special=True),
                      token(1, "<script>alert(1)</script>", "user", False),
                      token(2, "\n", "answer", True), token(3, "end", "answer", False, kept=False)],
           "n_tokens": 9, "shown": 4, "max_length": 3}
    out = chips_html(row)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&lt;|im_start|&gt;" in out and "fts-tspecial" in out
    assert token_label("\n") == "⏎" and token_label("") == "∅" and token_label(" ") == "␣"
    chips = chips_of(out)
    assert [c["trained"] for c in chips] == [False, False, True, False]
    cut = out.index("fts-cut")
    assert out.index('data-role="answer" data-trained="1"') < cut < out.rindex("fts-tcut")  # ✂ before the first cut token
    assert "5 more tokens not drawn" in out
    assert out.count("fts-span-tag") == 2  # user, then answer; template markup opens no span


def test_alarm_cards_escape_and_carry_their_level():
    out = alarms_html([Alarm("eos-never-trained", "error", "the token '<|im_end|>' is never trained", "do <b>x</b>")])
    assert 'class="fts-alarm fts-alarm-error" data-kind="eos-never-trained"' in out
    assert "&lt;|im_end|&gt;" in out and "<b>x</b>" not in out and "Fix:" in out
    assert "No alarms" in alarms_html([])


# --------------------------------------------------------------------------- through the app
@pytest.mark.slow
def test_tokenize_tab_shows_what_a_causal_run_trains_on(app_server, smollm2_dir):
    from gradio_client import Client

    c = Client(app_server.url, verbose=False)
    # Every call sends the whole form (an API client's unset fields are the widgets' defaults)
    model = dict(task="causal-lm", name_or_path=STARTER_SMOLLM2, data_source="bundled", bundled_dataset="chat")
    c.predict(**model, api_name="/load_data")
    meta, panel, *_ = c.predict(example=3, max_length=256, **model, api_name="/tokenize_preview")
    assert "Example 4 of" in meta and "messages format" in meta and "trained" in meta
    chips = chips_of(panel)
    assert chips and any(c["trained"] for c in chips)
    assert all(c["role"] == "answer" for c in chips if c["trained"])  # trained only inside the answers
    assert all(not c["trained"] for c in chips if c["role"] in ("system", "user"))
    assert {"system", "user"} <= {c["role"] for c in chips}
    ends = [i for i, c in enumerate(chips) if c["text"] == "<|im_end|>"]
    assert ends and all(chips[i]["special"] for i in ends)
    after_answer = [i for i in ends if chips[i - 1]["role"] == "answer"]
    assert after_answer and all(chips[i]["trained"] for i in after_answer)  # pad == eos, still trained
    assert all(not chips[i]["trained"] for i in ends if i not in after_answer)  # ends of system/user turns
    assert 'data-kind="untrained-rows"' not in panel and "rows left out" in panel

    # max_length 16: SmolLM2's system prompt and the question fill it, no answer token is left
    meta, panel, *_ = c.predict(example=0, max_length=16, **model, api_name="/tokenize_preview")
    assert 'data-kind="untrained-rows"' in panel and "fts-alarm-warn" in panel and "left out of training" in panel
    assert not any(c["trained"] for c in chips_of(panel)) and "fts-cut" in panel
    plan = c.predict(max_length=16, **model, api_name="/plan_alarms")
    assert 'data-kind="untrained-rows"' in plan and "Before you train" in plan
    assert c.predict(max_length=256, **model, api_name="/plan_alarms").count('data-kind="untrained-rows"') == 0
