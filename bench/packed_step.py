"""One LoRA forward + backward of SmolLM2-135M-Instruct with the chat preset's
adapter (r 16 on every linear layer, read from assets/presets/chat-lora-smollm2.yaml), fp32, the
machine's threads: a padding-free packed row against the same rows padded to max_length.

Answers one question behind the ``padding_chat`` measure: does a packed row cost more per
computed token than padded rows (its block-diagonal mask, built from the restarting position
ids)? Four rows of 92, 130, 75 and 143 tokens (about the bundled chat set's lengths, 440 real
tokens) as one packed row, then padded to 256 each (1,024 computed), alternating three times;
the first pair warms up. Prints ms per computed and per real token.

    python -m bench.packed_step            # sdpa (the default attention)
    python -m bench.packed_step eager
"""

from __future__ import annotations

import sys
import time

LENGTHS = [92, 130, 75, 143]
MAX_LENGTH = 256
PRESET = "chat-lora-smollm2"


def main(attn: str = "sdpa") -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from core.config import load_config
    from core.model.smollm2 import materialize
    from core.paths import PRESETS

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(materialize(), dtype=torch.float32, attn_implementation=attn)
    model.config.use_cache = False  # as the trainer sets it for padding-free rows
    a = load_config(PRESETS / f"{PRESET}.yaml").adapter
    model = get_peft_model(model, LoraConfig(r=a.r, lora_alpha=a.lora_alpha, lora_dropout=a.lora_dropout,
                                             target_modules=list(a.target_modules), task_type="CAUSAL_LM"))
    model.train()
    vocab = model.config.vocab_size
    real = sum(LENGTHS)

    def packed() -> dict:
        ids = torch.randint(0, vocab, (1, real))
        pos = torch.cat([torch.arange(n) for n in LENGTHS])[None]
        return {"input_ids": ids, "position_ids": pos, "labels": ids.clone()}

    def padded() -> dict:
        ids = torch.randint(0, vocab, (len(LENGTHS), MAX_LENGTH))
        mask = torch.zeros_like(ids)
        for i, n in enumerate(LENGTHS):
            mask[i, :n] = 1
        labels = ids.clone()
        labels[mask == 0] = -100
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    print(f"torch threads {torch.get_num_threads()}, attention {attn}")
    for name, make in [("packed", packed), (f"padded {MAX_LENGTH}", padded)] * 3:
        batch = make()
        t0 = time.perf_counter()
        loss = model(**batch).loss
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        model.zero_grad(set_to_none=True)
        computed = batch["input_ids"].numel()
        print(f"{name:11s} {computed:5d} tokens  forward {t1 - t0:5.2f} s  backward {t2 - t1:5.2f} s  "
              f"{1000 * (t2 - t0) / computed:5.2f} ms/computed token  {1000 * (t2 - t0) / real:5.2f} ms/real token")


if __name__ == "__main__":
    main(*sys.argv[1:2])
