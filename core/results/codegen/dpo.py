"""The exported ``train.py`` for preference tuning (train.objective dpo): TRL's DPOTrainer with
the app's very pipeline.

The pairs are read and turned into TRL's conversational rows as core.data.chat.preference_row
does (a plain prompt becomes the user turn, each answer an assistant turn, so TRL renders them
with the chat template), empty and duplicate pairs dropped, split as the app splits; the plain
base model and a LoraConfig go to DPOTrainer with ``ref_model=None`` (the reference is the base
with the adapter off), with the same TrainingArguments keywords and DPOConfig extras as the
app's job. So with the same seed the script logs the same losses as the app. It ends with the
held-out preference accuracy of the base and the tuned model, as summary.json has it.
"""

from __future__ import annotations

from ...config import RunConfig
from .common import lora_targets as _targets
from .common import (
    model_load_code,
    model_source,
    reader_code,
    rows_split_code,
    script_header,
    tokenizer_code,
    training_args_code,
)


def _row_code(cfg: RunConfig) -> str:
    d = cfg.data
    if d.chat_template == "plain":
        to_row = '''def to_row(r):
    """data.chat_template plain: the three strings as they are (TRL appends EOS to each answer)."""
    row = {k: as_text(r[k]) for k in ("prompt", "chosen", "rejected")}
    if SYSTEM.strip():
        row["prompt"] = SYSTEM.strip() + "\\n\\n" + row["prompt"]
    ok = all(v.strip() for v in row.values()) and row["chosen"] != row["rejected"]
    return row if ok else None'''
    else:
        to_row = '''def side(value, role="assistant"):
    """A message list as it is (a JSON list in a csv cell too), a string as one turn."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str) and value.lstrip().startswith("["):
        value = json.loads(value)
    if isinstance(value, list):
        return [{"role": str(m["role"]).strip().lower(), "content": as_text(m["content"])} for m in value]
    return [{"role": role, "content": as_text(value)}]


def to_row(r):
    """One pair as TRL's conversational preference row: prompt turns, chosen and rejected turns."""
    if "prompt" in r:
        prompt, chosen, rejected = side(r["prompt"], "user"), side(r["chosen"]), side(r["rejected"])
    else:  # no prompt column: the turns both conversations share are the prompt
        chosen, rejected = side(r["chosen"]), side(r["rejected"])
        n = 0
        while n < min(len(chosen), len(rejected)) - 1 and chosen[n] == rejected[n]:
            n += 1
        prompt, chosen, rejected = chosen[:n], chosen[n:], rejected[n:]
    texts = [" ".join(m["content"] for m in s) for s in (prompt, chosen, rejected)]
    if not all(t.strip() for t in texts) or chosen == rejected:
        return None  # nothing to compare
    if SYSTEM.strip() and prompt[0]["role"] != "system":
        prompt = [{"role": "system", "content": SYSTEM}, *prompt]
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected}'''
    return f'''SYSTEM = {d.system_prompt!r}  # data.system_prompt: put first where a pair has no system message


def as_text(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


{to_row}'''


DPO_LIBRARIES = """import datasets
import pandas as pd
import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed
from trl import DPOConfig, DPOTrainer"""


def render(cfg: RunConfig) -> str:
    from ...train.dpo import dpo_kwargs

    d, m, a, t, p = cfg.data, cfg.model, cfg.adapter, cfg.train, cfg.dpo
    out: list[str] = []
    w = out.append
    w(script_header(cfg, "Preference-tuning (DPO)", f"Model: {m.name_or_path}; method: {a.method} ({p.loss_type} loss, "
                    f"beta {p.beta}); data: {d.hub_dataset or d.path}.", DPO_LIBRARIES,
                    more_doc="The reference model is the base model with the LoRA adapter switched off (TRL does this "
                             "when it\ngets peft_config and ref_model=None), so only one copy of the weights is in "
                             "memory.\n",
                    length_note="  # prompt + answer tokens; a longer pair keeps its start",
                    tail="datasets.disable_progress_bars()\n"))
    w("\n# --- 1. Model source ----------------------------------------------------------")
    w(model_source(cfg))
    w("\n\n# --- 2. Tokenizer ---------------------------------------------------------------")
    w(tokenizer_code(cfg, causal=True))
    if d.chat_template == "chatml":
        from ...data.chat_templates import CHATML_TEMPLATE

        w(f"tokenizer.chat_template = tokenizer.chat_template or {CHATML_TEMPLATE!r}  # data.chat_template=chatml")
    w("\n\n# --- 3. Data: preference pairs in the columns TRL reads ----------------------------")
    w(reader_code(cfg))
    w(_row_code(cfg))
    w(rows_split_code(cfg, "pairs", "held out", "Pairs with something to compare"))

    w("\n\n# --- 4. Model: the plain base (DPOTrainer adds the adapter) ---------------------")
    w(model_load_code(cfg, is_cls=False))
    kbit = ""
    if a.method == "qlora":
        kbit = f'''
from peft import prepare_model_for_kbit_training

model = prepare_model_for_kbit_training(model, use_gradient_checkpointing={t.gradient_checkpointing!r})
for mod in model.modules():  # on CPU, keep 4-bit layers in the layout training expects
    if hasattr(mod, "support_avx512bf16_for_cpu"):
        mod.support_avx512bf16_for_cpu = False'''
    w(f'''{kbit}
from peft import LoraConfig, TaskType

# LoRA (r={a.r}, scaled by lora_alpha / r = {a.lora_alpha / a.r:g}). Given peft_config and ref_model=None,
# DPOTrainer wraps the model itself and scores the reference with the adapter off: one copy of
# the weights. (Given a model wrapped already, it would copy the adapter into a second one.)
lora_config = LoraConfig(r={a.r}, lora_alpha={a.lora_alpha}, lora_dropout={a.lora_dropout!r}, bias={a.bias!r},
                         target_modules={_targets(cfg)!r}, task_type=TaskType.CAUSAL_LM,
                         fan_in_fan_out=model.config.model_type == "gpt2")''')
    w(f'''

# --- 5. Training (TRL's DPOTrainer; its own defaults bf16, gradient checkpointing and
# lr 1e-6 are replaced by the run's keywords below) ----------------------------------------
{training_args_code("DPOConfig", cfg, dpo_kwargs(cfg))}
trainer = DPOTrainer(model=model, ref_model=None, args=args, train_dataset=train_ds, eval_dataset=val_ds,
                     processing_class=tokenizer, peft_config=lora_config)
baseline = trainer.evaluate()  # policy == reference at the start: loss ln 2 = 0.693 for sigmoid, rewards 0
print("baseline: eval_loss", round(baseline["eval_loss"], 4))
trainer.train()
final = trainer.evaluate()
print("held out: reward accuracy", round(final["eval_rewards/accuracies"], 3), "margin",
      round(final["eval_rewards/margins"], 3))
trainer.model.save_pretrained(os.path.join(OUTPUT_DIR, "final"))  # the LoRA adapter
tokenizer.save_pretrained(os.path.join(OUTPUT_DIR, "final"), save_jinja_files=False)
with open(os.path.join(OUTPUT_DIR, "log_history.json"), "w") as fh:  # every logged value, for plotting
    json.dump(trainer.state.log_history, fh, indent=1)


# --- 6. Held-out preference: does the model give the chosen answer more probability? -------
def answer_logprobs(m, ds):
    """Per pair: (sum log p(chosen), tokens, sum log p(rejected), tokens), TRL's own token ids."""
    out = []
    for row in ds:
        scores = []
        for key in ("chosen_ids", "rejected_ids"):
            ids = (row["prompt_ids"] + row[key])[:MAX_LENGTH]
            start = len(row["prompt_ids"])
            with torch.no_grad():
                logits = m(input_ids=torch.tensor([ids], device=m.device)).logits[0].float()
            logp = torch.log_softmax(logits[:-1], -1).gather(-1, torch.tensor(ids[1:], device=m.device)[:, None])
            answer = logp[start - 1:, 0]
            scores += [answer.sum().item(), len(answer)]
        out.append(scores)
    return out


def accuracy(scores):
    summed = sum(c > r for c, _, r, _ in scores) / len(scores)
    per_token = sum(c / nc > r / nr for c, nc, r, nr in scores) / len(scores)
    return summed, per_token


model = trainer.model.eval()
with model.disable_adapter():  # the same weights without the LoRA update = the base model
    base = accuracy(answer_logprobs(model, trainer.eval_dataset))
tuned = accuracy(answer_logprobs(model, trainer.eval_dataset))
# The summed score favours the shorter answer; per token it does not.
print(f"preference accuracy (summed):    base {{base[0]:.2f}} -> tuned {{tuned[0]:.2f}}")
print(f"preference accuracy (per token): base {{base[1]:.2f}} -> tuned {{tuned[1]:.2f}}")''')
    return "\n".join(out) + "\n"
