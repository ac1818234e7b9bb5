"""core/data/alarms.py: each alarm on what a causal run trains on (the end of turn never trained,
doubled BOS/EOS, untrained rows, a template other than the model's own, an unseen template, an
unmarked stop token) fires on a crafted split and stays quiet on a good one."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_alarms(tmp_path, smollm2_tokenizer):
    from core.config import STARTER_TINY_GPT2, RunConfig
    from core.data import alarms
    from core.data.labels import TokenizedSplit
    from core.model.load import load_tokenizer

    tok = smollm2_tokenizer
    bos, eos = tok.bos_token_id, tok.eos_token_id

    def split(ids, labels, n=16):
        from datasets import Dataset

        from core.data.labels import trained_counts

        counts = trained_counts(labels, n)
        return TokenizedSplit(Dataset.from_dict({"input_ids": ids, "labels": labels}), n, counts,
                              [i for i, c in enumerate(counts) if c == 0])

    good = split([[bos, 5, 6, eos]], [[-100, -100, 6, eos]])
    assert alarms.end_of_turn_never_trained(good, tok) is None and alarms.doubled_bos(good, tok) is None
    no_stop = split([[bos, 5, 6, eos]], [[-100, -100, 6, -100]])
    assert alarms.end_of_turn_never_trained(no_stop, tok).kind == "eos-never-trained"
    assert alarms.doubled_bos(split([[bos, bos, 5, eos]], [[-100, -100, 5, eos]]), tok).kind == "doubled-bos"
    assert alarms.doubled_eos(split([[bos, 5, eos, eos]], [[-100, 5, eos, eos]]), tok).kind == "doubled-eos"
    cut = split([[bos] + [5] * 20], [[-100] * 18 + [5, 5, 5]])
    assert alarms.untrained_rows(cut).kind == "untrained-rows" and "1 of 1 rows" in alarms.untrained_rows(cut).message
    conv = [[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]]
    chat = RunConfig().replace(model={"task": "causal-lm"})
    assert alarms.template_differs(tok, tok.chat_template, chat, conv) is None
    other = tok.chat_template.replace("<|im_start|>' + message['role']", "<|im_start|>' + message['role'] + ':'")
    assert alarms.template_differs(tok, other, chat, conv).level == "error"
    chatml = chat.replace(data={"chat_template": "chatml"})
    assert alarms.template_differs(tok, None, chatml, conv).kind == "template-differs"
    gpt2_tok = load_tokenizer(chat.replace(model={"name_or_path": STARTER_TINY_GPT2}))  # a base model: no template
    unseen = alarms.unseen_template(gpt2_tok, chatml, "messages")
    assert unseen is not None and "never saw" in unseen.message and "pieces" in unseen.message
    assert alarms.stop_token_marked(tok, tok.chat_template, "messages", True).kind == "stop-token-unmarked"
