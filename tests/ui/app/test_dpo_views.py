"""What a person sees of a DPO run, without training one: the Train tab's "what's happening and
why" notes read the current numbers right (core.train.dpo_explain), the Data tab's pair view
(core.data.pairs) lays a pair out as TRL does, and the Compare tab's held-out table
(ui/compare/preference.py) reads what score_dpo_run wrote. Synthetic event streams and the
tiny ChatML tokenizer (tests/tiny_chat.py) keep it to a second or two."""

import json
import math

import pandas as pd
import pytest

from core.config import RunConfig
from core.data.sources import DataError
from core.paths import PROJECT_ROOT
from core.train.dpo_explain import curve_notes

PAIRS_CFG = RunConfig().replace(model={"task": "causal-lm"}, train={"objective": "dpo"},
                                adapter={"method": "lora"})
SUMMARY = {"preference": {"pairs": 30, "base": 0.2333, "tuned": 0.8, "base_per_token": 0.7667,
                          "tuned_per_token": 1.0, "base_margin": -26.995, "tuned_margin": 29.141,
                          "reward_accuracy": 1.0, "reward_margin": 5.61}}


def log(step, loss, acc, margin, chosen, rejected):
    return {"type": "train", "step": step, "loss": loss, "rewards/accuracies": acc, "rewards/margins": margin,
            "rewards/chosen": chosen, "rewards/rejected": rejected}


def by_key(notes):
    return {n.key: n for n in notes}


def test_the_notes_read_the_current_numbers():
    assert curve_notes([], 0.1) == [] and curve_notes([{"type": "train", "step": 1, "loss": 0.7}], 0.1) == []
    # step 1: the adapter is zero, so the tuned model is the reference and nothing has moved
    start = by_key(curve_notes([log(1, math.log(2), 0.0, 0.0, 0.0, 0.0)], 0.1))
    assert list(start) == ["loss", "rewards/accuracies", "rewards/margins", "rewards/chosen"]
    assert start["loss"].value == "0.693" and "still at its start" in start["loss"].text
    assert "step 1" in start["rewards/accuracies"].text and "reference" in start["rewards/accuracies"].text
    assert "nothing has moved" in start["rewards/margins"].text and "Both are 0" in start["rewards/chosen"].text
    # later: the newest log is read, the margin turned into nats through beta
    events = [log(1, 0.693, 0, 0, 0, 0), log(2, 0.61, 1.0, 0.18, 0.04, -0.14), log(3, 0.45, 0.75, 0.8, 0.3, -0.5)]
    notes = by_key(curve_notes(events, 0.1))
    assert notes["rewards/margins"].value == "+0.80" and "by 8.0 nats" in notes["rewards/margins"].text
    assert "beta 0.1" in notes["rewards/margins"].text and "widened" in notes["rewards/margins"].text
    assert notes["rewards/accuracies"].value == "0.75" and "In 75% of this batch's pairs" in \
        notes["rewards/accuracies"].text
    assert "falls as the margins grow" in notes["loss"].text
    assert notes["rewards/chosen"].value == "+0.30 / -0.50"
    assert "more likely than the reference does (by 3.0 nats)" in notes["rewards/chosen"].text
    assert "less likely than the reference does (by 5.0 nats)" in notes["rewards/chosen"].text
    assert "healthy pattern" in notes["rewards/chosen"].text
    # a different beta changes the nats, not the margin
    assert "by 1.6 nats" in by_key(curve_notes(events, 0.5))["rewards/margins"].text


def test_the_notes_say_when_the_run_goes_wrong_and_what_the_held_out_check_found():
    won = by_key(curve_notes([log(9, 0.03, 1.0, 3.7, 0.02, -3.67)], 0.1))
    assert "ranked the preferred way" in won["rewards/accuracies"].text and "wide margin" in won["loss"].text
    both = by_key(curve_notes([log(9, 0.3, 1.0, 1.0, -0.5, -1.5)], 0.1))["rewards/chosen"]
    assert "Both fall" in both.text and "healthy" not in both.text
    wrong = by_key(curve_notes([log(9, 0.9, 0.25, -0.4, -0.3, 0.1)], 0.1))
    assert "wrong way" in wrong["rewards/chosen"].text and "narrowed" in wrong["rewards/margins"].text
    ipo = by_key(curve_notes([log(4, 12.0, 0.5, 0.1, 0.05, -0.05)], 0.1, "ipo"))["loss"]
    assert ipo.value == "12.000" and "ipo loss" in ipo.text and "ln 2 = 0.693" not in ipo.text
    done = by_key(curve_notes([log(20, 0.01, 1.0, 5.0, 0.3, -4.7)], 0.1, summary=SUMMARY))["preference"]
    assert done.value == "0.23 → 0.80" and "30 pairs" in done.text and "80%" in done.text and "23%" in done.text


def test_the_train_panel_is_for_dpo_runs_only_and_escapes():
    from ui.train_view import dpo_panel, dpo_panel_html

    events = [log(1, 0.693, 0, 0, 0, 0), log(2, 0.6, 1.0, 0.2, 0.1, -0.1)]
    assert dpo_panel(RunConfig(), events, {}) == ""  # an SFT or classification run has its own view
    assert dpo_panel(PAIRS_CFG, [], {}) == ""  # no log yet
    html = dpo_panel(PAIRS_CFG, events, SUMMARY)
    assert "What's happening and why (step 2, the newest log)" in html
    assert html.count('class="fts-dpo-note"') == 5 and 'data-key="preference"' in html and "0.23 → 0.80" in html
    from core.train.dpo_explain import CurveNote

    assert "&lt;b&gt;" in dpo_panel_html([CurveNote("loss", "<b>", "1", "x")])


def test_the_coach_ignores_logs_where_nothing_moved_yet():
    from core.train.coach_dpo import dpo_hints

    won = [log(i, 0.5, 1.0, 0.3 * i, 0.1 * i, -0.2 * i) for i in range(2, 9)]
    assert [h.kind for h in dpo_hints([log(1, 0.693, 0, 0, 0, 0), *won], 30)] == ["too_easy"]
    # a warmup step at learning rate 0 leaves the second log at 0 too: not a sign of hard pairs
    zero = [log(1, 0.693, 0, 0, 0, 0), log(2, 0.693, 0, 0, 0, 0)]
    assert [h.kind for h in dpo_hints([*zero, *won], 30)] == ["too_easy"]
    climbing = [log(2, 0.6, 0.5, 0.1, 0.05, -0.05), log(3, 0.5, 0.75, 0.3, 0.1, -0.2), *won[2:]]
    assert dpo_hints([log(1, 0.693, 0, 0, 0, 0), *climbing], 30) == []


# --------------------------------------------------------------------------- the Data tab's pair
def test_a_pair_is_laid_out_as_dpo_trains_on_it():
    from tiny_chat import chat_tokenizer

    from core.data.pairs import is_pairs, pair_view
    from core.data.sources import read_table

    df = read_table(PROJECT_ROOT / "assets" / "data" / "preferences.jsonl")
    assert is_pairs(df, RunConfig()) and not is_pairs(read_table(PROJECT_ROOT / "assets" / "data" / "sentiment.csv"), RunConfig())
    row = df.iloc[2]
    raw = pair_view(PAIRS_CFG, df, 2)  # no tokenizer yet: the file's texts, and how to see more
    assert (raw.index, raw.n_rows, raw.rendered, raw.tokens) == (2, len(df), False, None)
    assert raw.prompt == f"user: {row['prompt']}" and raw.chosen == row["chosen"] and "load the model" in raw.note
    tok = chat_tokenizer()
    view = pair_view(PAIRS_CFG.replace(data={"max_length": 4096}), df, 2, tok)
    assert view.rendered and view.note == ""
    assert view.prompt.endswith(f"{row['prompt']}<|im_end|>\n<|im_start|>assistant\n")
    assert view.prompt.startswith("<|im_start|>system\n")  # the template's own system prompt
    assert view.chosen == f"{row['chosen']}<|im_end|>\n" and view.rejected == f"{row['rejected']}<|im_end|>\n"
    p, c, r = view.tokens
    full = tok.apply_chat_template([{"role": "user", "content": row["prompt"]},
                                    {"role": "assistant", "content": row["chosen"]}], tokenize=True,
                                   return_dict=True)["input_ids"]
    assert p + c == len(full) and c > r > 0 and view.cut() == []
    short = pair_view(PAIRS_CFG.replace(data={"max_length": p + r + 1}), df, 2, tok)
    assert short.cut() == ["chosen"]
    assert pair_view(PAIRS_CFG, df, 10_000).index == len(df) - 1  # clamped to the table
    plain = pair_view(PAIRS_CFG.replace(data={"chat_template": "plain"}), df, 2, tok)
    assert plain.prompt == row["prompt"] and plain.chosen == row["chosen"] + tok.eos_token
    same = pd.DataFrame([{"prompt": "q", "chosen": "same", "rejected": "same"}])
    assert "leaves this pair out" in pair_view(PAIRS_CFG, same, 0).note
    with pytest.raises(DataError, match="preference pairs"):
        pair_view(PAIRS_CFG, read_table(PROJECT_ROOT / "assets" / "data" / "sentiment.csv"), 0)


def test_the_pair_html_labels_both_sides_and_says_what_dpo_needs():
    from core.data.pairs import PairView
    from ui.data.pairs import pair_html

    view = PairView(0, 150, "<|im_start|>user\nHi<|im_end|>", "Hello <b>friend</b>", "Go away", True, (10, 8, 4), 16)
    html = pair_html(view, RunConfig())
    assert "✓ Chosen" in html and "✗ Rejected" in html and "Pair 1</b> of 150" in html
    assert "&lt;b&gt;friend&lt;/b&gt;" in html and "&lt;|im_start|&gt;" in html
    assert "chosen cut by max_length 16" in html  # 10 + 8 > 16, 10 + 4 fits
    assert "causal-lm</b> on the Model tab" in html and "dpo</b> on the Method tab" in html
    ready = pair_html(view, PAIRS_CFG)
    assert "Model tab" not in ready and "Method tab" not in ready


# --------------------------------------------------------------------------- the Compare tab's table
def test_the_held_out_pairs_round_trip_and_read_in_words(tmp_path):
    from core.train.dpo import pair_rows, read_pair_rows, write_pair_rows
    from ui.compare.preference import summary_markdown, table_rows

    class Tok:
        def decode(self, ids, skip_special_tokens=True):
            return "decoded " + " ".join(map(str, ids))

    rows = [{"prompt": [{"role": "user", "content": "Q1"}], "chosen": [{"role": "assistant", "content": "good"}],
             "rejected": [{"role": "assistant", "content": "bad"}], "prompt_ids": [1], "chosen_ids": [2],
             "rejected_ids": [3]},
            {"prompt_ids": [4, 5], "chosen_ids": [6], "rejected_ids": [7]}]  # texts gone: decoded from the ids
    base = [(-10.0, 5, -8.0, 3), (-6.0, 4, -7.0, 4)]
    tuned = [(-9.0, 5, -12.0, 3), (-6.5, 4, -7.0, 4)]
    out = pair_rows(rows, (base, tuned), Tok())
    assert out[0] == {"prompt": "Q1", "chosen": "good", "rejected": "bad", "base_margin": -2.0, "tuned_margin": 3.0,
                      "chosen_tokens": 5, "rejected_tokens": 3}
    assert out[1]["prompt"] == "decoded 4 5" and out[1]["tuned_margin"] == 0.5
    write_pair_rows(tmp_path, out)
    assert read_pair_rows(tmp_path) == out and read_pair_rows(tmp_path / "nowhere") == []
    assert json.loads((tmp_path / "preference.jsonl").read_text().splitlines()[0])["prompt"] == "Q1"
    table = table_rows(out)
    assert table[0][:4] == ["Q1", "good", "bad", "-2.0 → +3.0"] and table[0][4] == "no → yes"  # moved most first
    assert table[1][4] == "yes → yes"
    text = summary_markdown(SUMMARY["preference"])
    assert text.startswith("**Preference accuracy on 30 held-out pairs: 0.23 → 0.80**")
    assert "in 80% of them, the base model in 23%" in text and "| 0.77 | 1.00 |" in text and "+29.1" in text


def test_a_preference_row_answers_the_compare_tabs_validation_prompts():
    from core.results.causal_report import pair_from_row

    row = {"prompt": [{"role": "user", "content": "Q"}], "chosen": [{"role": "assistant", "content": "good"}],
           "rejected": [{"role": "assistant", "content": "bad"}]}
    assert pair_from_row(row) == ([{"role": "user", "content": "Q"}], "good")  # the chosen answer is the reference


def test_the_base_of_a_dpo_config_loads(tmp_path):
    # The Compare tab's "before", an export's merge and the Method tab load the base with no
    # method applied; a DPO config (which insists on an adapter) once refused that, so a DPO
    # run could not be loaded on the Compare tab at all.
    from tiny_chat import save_tiny_chat_model

    from core.model.load import load_base_model

    folder = save_tiny_chat_model(tmp_path / "tiny")
    cfg = PAIRS_CFG.replace(model={"name_or_path": str(folder)}, adapter={"target_modules": ["q_proj", "v_proj"]})
    model, info = load_base_model(cfg)
    assert not hasattr(model, "peft_config") and info.trainable_params == info.total_params


def test_a_dpo_run_on_the_compare_tab_offers_its_most_moved_pair(tmp_path):
    from core.train.dpo import write_pair_rows
    from ui.compare.answers import AnswersParts, stored_view
    from ui.compare.chat import first_prompt
    from ui.compare.preference import PreferenceParts, preference_view

    assert first_prompt(tmp_path) == ""  # nothing stored: the message box stays empty
    write_pair_rows(tmp_path, [{"prompt": "little", "base_margin": -1.0, "tuned_margin": 0.0},
                               {"prompt": "most", "base_margin": -5.0, "tuned_margin": 4.0}])
    assert first_prompt(tmp_path) == "most"
    answers = AnswersParts(summary="s", run_btn="b", table="t")
    assert "scores its held-out pairs" in stored_view(answers, tmp_path, SUMMARY)[answers.summary]
    pref = PreferenceParts(box="box", summary="sum", table="tab")
    shown = preference_view(pref, tmp_path, SUMMARY)
    assert shown[pref.box]["visible"] and "0.23 → 0.80" in shown[pref.summary]
    assert list(shown[pref.table]["value"].iloc[0])[:1] == ["most"]
    hidden = preference_view(pref, tmp_path, {"generation": {}})  # an SFT run: no such section
    assert hidden[pref.box]["visible"] is False and hidden[pref.summary] == ""
    failed = preference_view(pref, tmp_path, {"dpo": {"beta": 0.1}, "report_note": "the scores could not be computed"})
    assert failed[pref.box]["visible"] and "could not be computed" in failed[pref.summary]


def test_the_tokenize_tab_and_the_estimate_read_pairs(tmp_path):
    # A DPO config on the Tokenize tab once failed (KeyError 'completion': the SFT tokenizing
    # path got preference rows); it now shows training pairs, and the lengths are the pairs'.
    from types import SimpleNamespace

    from tiny_chat import save_tiny_chat_model

    from core.cache import PreviewCache
    from core.data.pairs import pair_lengths
    from ui.train_view import causal_example, plan_alarms

    folder = save_tiny_chat_model(tmp_path / "tiny")
    cfg = PAIRS_CFG.replace(model={"name_or_path": str(folder)}, adapter={"target_modules": ["q_proj"]},
                            data={"path": "assets/data/preferences.jsonl", "max_rows": 30, "max_length": 64})
    session = SimpleNamespace(cache=PreviewCache())
    where, html, meta = causal_example(session, cfg, 3)
    assert where == {"n": 24, "i": 3} and meta.startswith("**Pair 4 of 24** of the training split")
    assert "✓ Chosen" in html and "&lt;|im_start|&gt;assistant" in html
    prepared = session.cache.prepared(cfg)
    lengths = session.cache.lengths(cfg)
    assert len(lengths) == 24 and lengths[3] == max(pair_lengths(session.cache.tokenizer(cfg), prepared.train[3])[1:])
    assert plan_alarms(session, cfg) == ""  # SFT's trained/masked alarms do not apply to pairs


def test_the_data_check_measures_a_pair_as_dpo_reads_it():
    # prompt + chosen and prompt + rejected, each on its own: not the three texts end to end
    # (which once warned that the bundled pairs were longer than max_length 128)
    import statistics

    from tiny_chat import chat_tokenizer

    from core.data.check import check_data
    from core.data.pairs import pair_lengths
    from core.data.prepare import prepare

    tok = chat_tokenizer()
    cfg = PAIRS_CFG.replace(data={"path": "assets/data/preferences.jsonl"})
    prepared = prepare(cfg, tok)
    rows = list(prepared.train) + list(prepared.validation)
    longest = [max(pair_lengths(tok, r)[1:]) for r in rows]
    limit = int(statistics.median(longest))
    found = [f for f in check_data(cfg.replace(data={"max_length": limit}), tok).findings if f.kind == "truncated"]
    assert len(found) == 1 and found[0].count == sum(n > limit for n in longest)
    assert f"longest {max(longest)})" in found[0].message
    assert not [f for f in check_data(cfg.replace(data={"max_length": max(longest)}), tok).findings
                if f.kind == "truncated"]
