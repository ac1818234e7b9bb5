"""The exported ``train.py`` for causal LM: TRL's SFTTrainer with the app's very pipeline.

The rows are converted from the data's format (detected when the script is exported and
written out: text, template, prompt/completion, instruction, ShareGPT, messages) into the
columns TRL reads, duplicates dropped and split as the app does; they are tokenized through
TRL once without cutting (with the training template that marks the assistant turns), rows
left with no trained token within max_length are reported and left out, and the rest, cut to
max_length, go to SFTTrainer with the same TrainingArguments keywords and SFTConfig extras as
the app's job. So with the same seed the script logs the same losses as the app.
"""

from __future__ import annotations

from typing import Any

from ...config import RunConfig
from .common import (
    method_code,
    model_load_code,
    model_source,
    reader_code,
    rows_split_code,
    script_header,
    tokenizer_code,
    training_args_code,
)


def _detected(cfg: RunConfig) -> Any:
    from ...data.chat import DetectedFormat, detect_format
    from ...data.sources import read_source

    try:
        return detect_format(read_source(cfg.data), cfg.data)
    except Exception:  # the data can't be read here: write what the config says
        fmt = cfg.data.prompt_format if cfg.data.prompt_format != "auto" else "text"
        return DetectedFormat(fmt, {"text": cfg.data.text_column or "text", "conversation": "messages",
                                    "prompt": "prompt", "completion": "completion",
                                    "instruction": cfg.data.instruction_column, "response": "output"})


def _templates(cfg: RunConfig, fmt: str) -> tuple[str | None, str | None]:
    """(layout template at inference, template to train with) for the script; None where no
    chat template is involved or it must be worked out when the script runs."""
    from ...data.chat_templates import CHATML_TEMPLATE, layout_template, training_template
    from ...data.labels import loss_flags

    if fmt in ("text", "template") or cfg.data.chat_template == "plain":
        return None, None
    if cfg.data.chat_template == "chatml":
        return CHATML_TEMPLATE, training_template(None, "chatml", loss_flags(cfg, fmt)["assistant_only_loss"])
    try:
        from ...model.load import load_tokenizer

        tok = load_tokenizer(cfg)
        return (layout_template(tok, "model"),
                training_template(tok, "model", loss_flags(cfg, fmt)["assistant_only_loss"]))
    except Exception:
        return None, None


def _row_code(cfg: RunConfig, detected: Any) -> str:
    """``to_row(record)``: one source row -> the columns TRL reads (core.data.chat.sft_row)."""
    from ...data.chat import ROLE_NAMES
    from ...data.chat_templates import PLAIN_PROMPT, PLAIN_PROMPT_WITH_INPUT

    d, fmt, cols = cfg.data, detected.format, detected.columns
    head = f'''SYSTEM = {d.system_prompt!r}  # data.system_prompt: put first where a row has no system message


def as_text(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def add_system(messages):
    if SYSTEM.strip() and not (messages and messages[0]["role"] == "system"):
        return [{{"role": "system", "content": SYSTEM}}, *messages]
    return list(messages)
'''
    if fmt == "text":
        return head + f'''

def to_row(r):
    text = as_text(r[{cols["text"]!r}])
    return {{"text": text}} if text.strip() else None'''
    if fmt == "template":
        return head + f'''
TEMPLATE = {d.template!r}
FIELD = re.compile(r"\\{{(\\w+)\\}}")


def to_row(r):
    """The row filled into the template; the whole text is trained (language modelling)."""
    text = FIELD.sub(lambda m: as_text(r[m.group(1)]), TEMPLATE)
    return {{"text": text}} if text.strip() else None'''
    if fmt in ("sharegpt", "messages"):
        if fmt == "sharegpt":
            turn = ('{"role": ROLES[str(t.get("from", "")).strip().lower()], "content": as_text(t.get("value"))}')
            roles = f"ROLES = {ROLE_NAMES!r}  # ShareGPT speakers -> chat roles\n"
        else:
            turn = '{"role": str(t.get("role", "")).strip().lower(), "content": as_text(t.get("content"))}'
            roles = ""
        split = ('''
    last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
    return {"prompt": msgs[:last], "completion": [msgs[last]]}  # sft.last_turn_only: one answer trained'''
                 if cfg.sft.last_turn_only else '''
    return {"messages": msgs}''')
        return head + f'''{roles}

def to_row(r):
    """A conversation as role/content messages (from a list, or a JSON list in a csv cell)."""
    turns = r[{cols["conversation"]!r}]
    if hasattr(turns, "tolist"):
        turns = turns.tolist()
    if isinstance(turns, str):
        turns = json.loads(turns)
    msgs = [{turn} for t in turns]
    if not any(m["role"] == "assistant" and m["content"].strip() for m in msgs):
        return None  # nothing to train on
    msgs = add_system(msgs){split}'''
    chat = d.chat_template != "plain"
    if fmt == "prompt_completion":
        build = f'''    user, answer = as_text(r[{cols["prompt"]!r}]), as_text(r[{cols["completion"]!r}])
    plain = {{"prompt": user, "completion": answer}}'''
    else:
        extra = f'as_text(r.get({cols["input"]!r}, "")).strip()' if "input" in cols else '""'
        build = f'''    instruction, extra = as_text(r[{cols["instruction"]!r}]).strip(), {extra}
    answer = as_text(r[{cols["response"]!r}])
    user = instruction + (f"\\n\\n{{extra}}" if extra else "")
    layout = {PLAIN_PROMPT_WITH_INPUT!r} if extra else {PLAIN_PROMPT!r}
    plain = {{"prompt": layout.format(instruction=instruction, input=extra), "completion": answer}}'''
    if chat:
        tail = '''
    # A user turn and an assistant turn, laid out by the chat template; only the answer is trained.
    return {"prompt": add_system([{"role": "user", "content": user}]),
            "completion": [{"role": "assistant", "content": answer}]}'''
    else:
        tail = '''
    if SYSTEM.strip():
        plain["prompt"] = SYSTEM.strip() + "\\n\\n" + plain["prompt"]
    return plain'''
    return head + f'''

def to_row(r):
{build}
    if not user.strip() or not answer.strip():
        return None{tail}'''


SFT_LIBRARIES = """import datasets
import pandas as pd
import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM, set_seed
from trl import SFTConfig, SFTTrainer"""


def render(cfg: RunConfig) -> str:
    from ...data.labels import loss_flags
    from ...train.trainers import sft_kwargs

    d, m, a, t = cfg.data, cfg.model, cfg.adapter, cfg.train
    detected = _detected(cfg)
    fmt = detected.format
    flags = loss_flags(cfg, fmt)
    layout, train_template = _templates(cfg, fmt)
    uses_chat = fmt in ("sharegpt", "messages") or (fmt in ("prompt_completion", "instruction")
                                                   and d.chat_template != "plain")
    out: list[str] = []
    w = out.append
    w(script_header(cfg, "Fine-tuning", f"Task: {m.task} ({fmt} data); model: {m.name_or_path}; method: {a.method}; "
                                        f"data: {d.hub_dataset or d.path}.", SFT_LIBRARIES, more_std=("re", "tempfile"),
                    tail="datasets.disable_progress_bars()\n"))
    w("\n# --- 1. Model source ----------------------------------------------------------")
    w(model_source(cfg))
    w("\n\n# --- 2. Tokenizer and chat template ---------------------------------------------")
    w(tokenizer_code(cfg, causal=True))
    if uses_chat and d.chat_template == "chatml":
        w(f"tokenizer.chat_template = {layout!r}  # data.chat_template=chatml: a ChatML layout")
    w('''# Training uses a copy whose chat template marks the assistant's turns ({% generation %}),
# so TRL can mask everything else; it renders exactly the same text as the model's own.
import copy

train_tokenizer = copy.deepcopy(tokenizer)''')
    if flags["assistant_only_loss"]:
        if train_template:
            w(f"train_tokenizer.chat_template = {train_template!r}")
        else:
            w('''from trl.chat_template_utils import get_training_chat_template

train_tokenizer.chat_template = get_training_chat_template(tokenizer)''')

    w("\n\n# --- 3. Data: rows in the columns TRL reads ---------------------------------------")
    w(reader_code(cfg))
    w(_row_code(cfg, detected))
    w(rows_split_code(cfg, "rows", "validation rows", "Rows with something to train on"))


    strip = fmt in ("text", "template") and not d.add_eos
    w(f'''

# --- 4. Tokenization: TRL's own, once without cutting, to see what MAX_LENGTH does ----
def tokenize_like_trl(ds):
    """input_ids and labels (-100 = not trained) exactly as SFTTrainer makes them, in order,
    nothing cut or dropped yet (a throwaway one-layer model: tokenizing does not use it)."""
    with torch.random.fork_rng():
        probe = LlamaForCausalLM(LlamaConfig(vocab_size=len(train_tokenizer), hidden_size=8, intermediate_size=8,
                                             num_hidden_layers=1, num_attention_heads=1, num_key_value_heads=1,
                                             max_position_embeddings=8, pad_token_id=tokenizer.pad_token_id,
                                             eos_token_id=tokenizer.eos_token_id))
    with tempfile.TemporaryDirectory() as tmp:
        args = SFTConfig(output_dir=tmp, max_length=None, packing=False, report_to="none", bf16=False, fp16=False,
                         use_cpu=True, activation_checkpointing=False, save_strategy="no", disable_tqdm=True,
                         completion_only_loss={flags["completion_only_loss"]!r},  # prompt/completion: the answer only
                         assistant_only_loss={flags["assistant_only_loss"]!r},  # conversations: assistant turns only
                         dataset_text_field="text")
        ds = SFTTrainer(model=probe, args=args, train_dataset=ds, processing_class=train_tokenizer).train_dataset
    ds = ds.select_columns(["input_ids", "labels"])''' + ('''
    eos = tokenizer.eos_token_id  # data.add_eos=False: take off the end-of-sequence TRL appends
    ds = ds.map(lambda r: {"input_ids": r["input_ids"][:-1], "labels": r["labels"][:-1]}
                if r["input_ids"] and r["input_ids"][-1] == eos else r)''' if strip else "") + '''
    return ds


def keep_trainable(ds, name):
    """Leave out rows with no trained token within MAX_LENGTH (TRL would drop them silently,
    or train them for nothing when packing), say how many, and cut the rest to MAX_LENGTH.
    Position 0 never counts: the loss predicts each token from the ones before it."""
    counts = [sum(1 for x in lab[1:MAX_LENGTH] if x != -100) for lab in ds["labels"]]
    keep = [i for i, n in enumerate(counts) if n > 0]
    if len(keep) < len(ds):
        print(f"{name}: {len(ds) - len(keep)} rows have no trained token within {MAX_LENGTH} tokens: left out")
        ds = ds.select(keep)
    print(f"{name}: {sum(counts):,} trained tokens in {len(keep)} rows")
    return ds.map(lambda r: {"input_ids": r["input_ids"][:MAX_LENGTH], "labels": r["labels"][:MAX_LENGTH]})


train_tok = keep_trainable(tokenize_like_trl(train_ds), "training")
val_tok = keep_trainable(tokenize_like_trl(val_ds), "validation")''')

    w("\n\n# --- 5. Model -------------------------------------------------------------------")
    w(model_load_code(cfg, is_cls=False))
    w('''model.generation_config.pad_token_id = tokenizer.pad_token_id
model.generation_config.eos_token_id = tokenizer.eos_token_id  # generation stops at the end of a turn''')
    extras = sft_kwargs(cfg)
    if extras["padding_free"]:
        w("model.config.use_cache = False  # packed rows: a cache would let them attend to each other")
    w(method_code(cfg, is_cls=False).replace("# --- 7. Method", "# --- 6. Method"))
    w(f'''

# --- 7. Training (TRL's SFTTrainer: the rows carry their labels, which it uses as they are) --
{training_args_code("SFTConfig", cfg, extras)}
callbacks = []''')
    if t.early_stopping_patience:
        w(f'''from transformers import EarlyStoppingCallback

callbacks.append(EarlyStoppingCallback(early_stopping_patience={t.early_stopping_patience}))''')
    w('''trainer = SFTTrainer(model=model, args=args, train_dataset=train_tok, eval_dataset=val_tok,
                     processing_class=train_tokenizer, callbacks=callbacks)

baseline = trainer.evaluate()  # the untrained model on the validation answers: the number to beat
print("baseline: eval_loss", round(baseline["eval_loss"], 4))
trainer.train()
final = trainer.evaluate()
print("final:    eval_loss", round(final["eval_loss"], 4))
print(f"perplexity: {math.exp(min(baseline['eval_loss'], 50)):.1f} -> {math.exp(min(final['eval_loss'], 50)):.1f}")
trainer.model.save_pretrained(os.path.join(OUTPUT_DIR, "final"))  # safetensors
tokenizer.save_pretrained(os.path.join(OUTPUT_DIR, "final"), save_jinja_files=False)  # the model's own template
with open(os.path.join(OUTPUT_DIR, "log_history.json"), "w") as fh:  # every logged loss, for plotting
    json.dump(trainer.state.log_history, fh, indent=1)''')
    w(_compare_code(cfg, fmt, uses_chat))
    return "\n".join(out) + "\n"


def _compare_code(cfg: RunConfig, fmt: str, uses_chat: bool) -> str:
    g = cfg.generate
    lora = cfg.adapter.method in ("lora", "qlora")
    gen = f"max_new_tokens={g.max_new_tokens}, do_sample={g.do_sample!r}, repetition_penalty={g.repetition_penalty!r}"
    if g.do_sample:
        gen += f", temperature={g.temperature!r}, top_p={g.top_p!r}, top_k={g.top_k!r}"
    if uses_chat:
        prompt = '''row = val_ds[0]
prompt = row["prompt"] if "prompt" in row else row["messages"][:max(
    i for i, m in enumerate(row["messages"]) if m["role"] == "assistant")]
ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, return_tensors="pt", return_dict=True)["input_ids"]'''
    elif fmt in ("prompt_completion", "instruction"):
        prompt = '''ids = tokenizer(val_ds[0]["prompt"], return_tensors="pt")["input_ids"]'''
    elif fmt == "template":
        from ...data.formats import prompt_part

        prompt = f'''part = {prompt_part(cfg.data.template)!r}
record = (val_df if val_df is not None else df).iloc[0].to_dict()
ids = tokenizer(FIELD.sub(lambda m: as_text(record[m.group(1)]), part), return_tensors="pt")["input_ids"]'''
    else:
        prompt = '''ids = tokenizer(" ".join(val_ds[0]["text"].split()[:4]), return_tensors="pt")["input_ids"]'''
    body = f'''

# --- 8. Base vs fine-tuned -------------------------------------------------------
{prompt}
if ids.shape[1] > 1 and ids[0, -1] == tokenizer.eos_token_id:  # an unfinished prompt: no trailing EOS
    ids = ids[:, :-1]
model.eval()
def generate(m):
    with torch.no_grad():
        out = m.generate(ids.to(m.device), attention_mask=torch.ones_like(ids).to(m.device), {gen})
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
'''
    if lora:
        body += '''with model.disable_adapter():  # the same weights without the LoRA update = the base model
    print("base:      ", generate(model))
'''
    else:
        body += '''print("base:      ", generate(AutoModelForCausalLM.from_pretrained(MODEL).eval()))
'''
    return body + '''print("fine-tuned:", generate(model))'''
