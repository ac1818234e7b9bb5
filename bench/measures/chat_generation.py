"""chat_generation: the Compare tab's chat path vs a bare ``model.generate``, and the weights
the chat holds (adapter toggle) vs two loaded models.

Setup (untimed): the tiny ChatML Llama of tests/tiny_chat.py, made 4 layers x 256 wide
(~2.6M parameters, so a token costs real matrix work and not only Python), with a LoRA
(r 8 on q/k/v/o, random B so it changes the answers), in fp32 on the CPU.
Compared, on the same chat prompt, greedy, ``max_new_tokens`` new tokens, same stop ids:
  A  core.results.chat.stream_reply: the panel's path (chat template, worker thread,
     TextIteratorStreamer, every piece decoded and yielded, stop at end of turn);
  B  a bare ``model.generate`` on the same input ids with the same keywords
     (core.results.generations.decoding_kwargs), no streamer.
Time: one untimed warm-up each, then A,B,B,A,... interleaved, median per arm; value =
tokens/s A / tokens/s B (both arms write the same tokens: checked). Memory: bytes of the
parameters and buffers held (core.results.compare.model_bytes) by the LoRA model whose
adapter the chat toggles vs a base model plus a merged fine-tuned model loaded side by
side: ``memory_ratio``, judged <= 0.55 beside the speed goal.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..env import Context, ab_order, load_avg, median, rnd, silenced
from ..result import Result, check

NAME = "chat_generation"
GOAL = ">= 0.9"
UNIT = "x tokens/s (chat panel / bare generate); memory_ratio <= 0.55 in detail"
MEMORY_GOAL = "<= 0.55"
MESSAGES = [{"role": "user", "content": "Give me a tip for a rainy day, please."}]


def _models():
    import torch
    from peft import LoraConfig, get_peft_model

    tests = Path(__file__).resolve().parents[2] / "tests"
    if str(tests) not in sys.path:
        sys.path.insert(0, str(tests))
    from tiny_chat import chat_tokenizer, tiny_llama

    tok = chat_tokenizer()
    base = tiny_llama(tok, layers=4, hidden=256, heads=4, kv_heads=2)
    torch.manual_seed(3)
    tuned = get_peft_model(base, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
                                            init_lora_weights=False)).eval()
    return tok, tuned


def run(ctx: Context) -> Result:
    import copy

    import torch

    from core.config import GenerateConfig
    from core.model import turns
    from core.results.chat import Reply, stream_reply
    from core.results.compare import model_bytes
    from core.results.generations import decoding_kwargs

    n_new = ctx.pick(48, 96)
    # An answer takes under a second and single answers vary by +-40 % on a shared 2-core machine
    # (0.56-1.13 s measured): 11 per arm make the medians' ratio repeatable.
    reps = ctx.pick(3, 11)
    gen = GenerateConfig(max_new_tokens=n_new, repetition_penalty=1.0)
    with silenced():
        tok, tuned = _models()
    ids = torch.tensor([turns.prompt_ids(tok, MESSAGES)])
    kw = decoding_kwargs(gen, tok, tuned)

    def arm(which: str) -> tuple[float, int, list[int] | str]:
        t0 = time.perf_counter()
        if which == "A":
            reply = Reply()
            for _ in stream_reply(tuned, tok, MESSAGES, gen, reply=reply):
                pass
            return time.perf_counter() - t0, reply.tokens, reply.text
        with torch.no_grad():
            out = tuned.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **kw)[0, ids.shape[1]:].tolist()
        dt = time.perf_counter() - t0
        stops = set(kw["eos_token_id"])
        cut = next((j for j, t in enumerate(out) if t in stops), None)
        n = len(out) if cut is None else cut + 1
        return dt, n, tok.decode(out[:cut], skip_special_tokens=True).strip()

    ctx.log(f"{NAME}: warm-up, then {reps} timed answers of {n_new} tokens per arm")
    warm = {w: arm(w) for w in ("A", "B")}
    times: dict[str, list[float]] = {"A": [], "B": []}
    tokens: dict[str, int] = {}
    for which in ab_order(reps):
        dt, n, _ = arm(which)
        times[which].append(dt)
        tokens[which] = n
    tps = {w: tokens[w] / median(times[w]) for w in "AB"}
    ratio = tps["A"] / tps["B"]

    # memory: the chat's one model (adapter toggled) vs base + merged fine-tuned side by side
    toggle = model_bytes(tuned)
    with silenced():
        merged = copy.deepcopy(tuned).merge_and_unload()
        with tuned.disable_adapter():
            plain = copy.deepcopy(tuned.get_base_model())
    two = model_bytes(plain) + model_bytes(merged)
    mem_ratio = toggle / two
    same = warm["A"][2] == warm["B"][2] and tokens["A"] == tokens["B"]
    detail = {
        "compared": "core.results.chat.stream_reply (thread + TextIteratorStreamer + stop at end of turn) vs bare "
                    "model.generate, tiny ChatML Llama 4x256 + LoRA r8, greedy, CPU fp32",
        "tokens_per_s": {"chat_panel": rnd(tps["A"], 1), "bare_generate": rnd(tps["B"], 1)},
        "tokens": tokens, "chat_s": [rnd(t, 4) for t in times["A"]], "bare_s": [rnd(t, 4) for t in times["B"]],
        "same_answer": same, "memory_ratio": rnd(mem_ratio, 3), "memory_goal": MEMORY_GOAL,
        "toggle_weights_mb": rnd(toggle / 2**20, 2), "two_models_weights_mb": rnd(two / 2**20, 2),
        "parameters": sum(p.numel() for p in plain.parameters()), "load_avg_end": load_avg(),
    }
    passed = check(ratio, GOAL) and check(mem_ratio, MEMORY_GOAL) and same
    if not same:
        detail["warning"] = "the two arms wrote different answers: they are not decoding the same way"
    return Result(NAME, rnd(ratio, 3), GOAL, UNIT, passed, detail)
