"""The exported ``train.py`` for classification: ``transformers.Trainer`` on the same data
reading and cleaning, split, tokenization, collator, model and method, TrainingArguments and
metrics as the app's job, and a final base-vs-tuned comparison."""

from __future__ import annotations

from ...config import RunConfig
from .common import (
    method_code,
    model_load_code,
    model_source,
    reader_code,
    script_header,
    tokenizer_code,
    training_args_code,
)

LIBRARIES = """import numpy as np
import pandas as pd
import torch
from datasets import ClassLabel, Dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments, set_seed"""


def render(cfg: RunConfig) -> str:
    from ...data.tokenize import effective_padding

    d, m, a, t = cfg.data, cfg.model, cfg.adapter, cfg.train
    padding = effective_padding(cfg)
    out: list[str] = []
    w = out.append
    w(script_header(cfg, "Fine-tuning", f"Task: {m.task}; model: {m.name_or_path}; method: {a.method}; data: "
                                        f"{d.hub_dataset or d.path}.", LIBRARIES))
    w("\n# --- 1. Model source ----------------------------------------------------------")
    w(model_source(cfg))
    w("\n\n# --- 2. Tokenizer --------------------------------------------------------------")
    w(tokenizer_code(cfg, causal=False))
    w("\n\n# --- 3. Data --------------------------------------------------------------------")
    w(reader_code(cfg))
    w(_standardise_code(cfg))
    w(_split_code(cfg))

    w("\n\n# --- 4. Tokenization -------------------------------------------------------------")
    pad = ', padding="max_length"' if padding == "max_length" else ""
    w(f'''def tokenize(batch):
    # Truncate to MAX_LENGTH; padding happens per batch in the collator{" (here: everything padded to MAX_LENGTH)" if pad else ""}.
    enc = tokenizer(batch["text"], batch.get("text_pair"), truncation=True, max_length=MAX_LENGTH{pad})
    enc["length"] = [sum(m) for m in enc["attention_mask"]]
    return dict(enc)


keep = ["label"]
train_tok = train_ds.map(tokenize, batched=True, remove_columns=[c for c in train_ds.column_names if c not in keep])
val_tok = val_ds.map(tokenize, batched=True, remove_columns=[c for c in val_ds.column_names if c not in keep])
train_tok = train_tok.rename_column("label", "labels")
val_tok = val_tok.rename_column("label", "labels")''')

    w("\n\n# --- 5. Batching --------------------------------------------------------------")
    w('''from transformers import DataCollatorWithPadding

# Dynamic padding: each batch is padded only to its own longest example.
collator = DataCollatorWithPadding(tokenizer)''')
    w("\n\n# --- 6. Model -------------------------------------------------------------------")
    w(model_load_code(cfg, is_cls=True))
    w(method_code(cfg, is_cls=True))

    w("\n\n# --- 8. Metrics (computed with numpy: evaluate.load needs the Hub) ---------------")
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

    # ---- training arguments: the very keywords the app's job passes (core.train.arguments)
    w(f'''

# --- 9. Training ----------------------------------------------------------------
{training_args_code("TrainingArguments", cfg)}
callbacks = []''')
    if t.early_stopping_patience:
        w(f'''from transformers import EarlyStoppingCallback

callbacks.append(EarlyStoppingCallback(early_stopping_patience={t.early_stopping_patience}))''')
    trainer_class = "Trainer"
    if padding == "group_by_length":
        trainer_class = "StudioTrainer"
        w('''
# group_by_length draws each epoch's batch order from (SEED, epoch), as the studio does, so a
# run resumed mid-epoch trains on the same batches as one that never stopped (transformers'
# sampler shuffles with the global generator, which a resume restores to a later state).
from transformers.trainer_pt_utils import LengthGroupedSampler, get_length_grouped_indices


class EpochSeededLengthSampler(LengthGroupedSampler):
    epoch = 0

    def set_epoch(self, epoch):
        self.epoch = int(epoch)

    def __iter__(self):
        g = torch.Generator().manual_seed(SEED * 1000 + self.epoch)
        return iter(get_length_grouped_indices(self.lengths, self.batch_size, generator=g))


class StudioTrainer(Trainer):
    def _get_train_sampler(self, *args, **kwargs):
        found = super()._get_train_sampler(*args, **kwargs)
        if isinstance(found, LengthGroupedSampler):
            return EpochSeededLengthSampler(found.batch_size, lengths=found.lengths)
        return found
''')
    w(f'''trainer = {trainer_class}(model=model, args=args, train_dataset=train_tok, eval_dataset=val_tok,
                  processing_class=tokenizer, data_collator=collator, compute_metrics=compute_metrics,
                  callbacks=callbacks)''')
    w('''

baseline = trainer.evaluate()  # the untrained model on the validation split: the number to beat
def shown(metrics):
    return {k: round(v, 4) for k, v in metrics.items() if k.startswith("eval_") and k.count("_") == 1 or k == "eval_loss"}


print("baseline:", shown(baseline))
trainer.train()
final = trainer.evaluate()
print("final:   ", shown(final))
trainer.model.save_pretrained(os.path.join(OUTPUT_DIR, "final"))  # safetensors
tokenizer.save_pretrained(os.path.join(OUTPUT_DIR, "final"))
with open(os.path.join(OUTPUT_DIR, "log_history.json"), "w") as fh:  # every logged loss, for plotting
    json.dump(trainer.state.log_history, fh, indent=1)''')
    w(_compare_code(cfg))
    return "\n".join(out) + "\n"


def _roles(cfg: RunConfig):
    from ...data.roles import ColumnRoles, detect_roles
    from ...data.sources import read_source

    try:
        return detect_roles(read_source(cfg.data), cfg.data, cfg.model.task)
    except Exception:
        d = cfg.data
        return ColumnRoles(text=d.text_column or "text", text_pair=d.text_pair_column,
                           label=d.label_column or "label")


def _standardise_code(cfg: RunConfig) -> str:
    roles = _roles(cfg)
    pair = f'\n    out["text_pair"] = frame[{roles.text_pair!r}].map(as_text)' if roles.text_pair else ""
    return f'''

def as_text(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def standardise(frame):
    """The columns the model needs: text{", text_pair" if roles.text_pair else ""} and a string label."""
    out = pd.DataFrame({{"text": frame[{roles.text!r}].map(as_text)}}){pair}
    out["label"] = frame[{roles.label!r}].map(
        lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
        else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    return out'''


def _split_code(cfg: RunConfig) -> str:
    d = cfg.data
    limit = f"\nstd = std.head({d.max_rows})  # data.max_rows" if d.max_rows else ""
    from ..codegen_fixes import fixes_code

    helpers, fixes, leaked = fixes_code(cfg, True)
    return helpers + f'''


def clean(frame):
    """Drop rows with an empty cell, then exact duplicates."""
    cols = list(frame.columns)
    frame = frame.dropna(subset=cols)
    for c in cols:
        frame = frame[frame[c].astype(str).str.strip() != ""]
    return frame.drop_duplicates(subset=cols).reset_index(drop=True)


std = clean(standardise(df)){fixes}{limit}
train_ds = Dataset.from_pandas(std, preserve_index=False)
labels = sorted(set(std["label"]))
try:
    LABELS = sorted(labels, key=float)  # numeric labels keep numeric order
except ValueError:
    LABELS = labels
train_ds = train_ds.cast_column("label", ClassLabel(names=LABELS))
if val_df is not None:
    val_ds = Dataset.from_pandas(clean(standardise(val_df)), preserve_index=False)
    val_ds = val_ds.cast_column("label", ClassLabel(names=LABELS))
else:
    # No validation data given: hold out a share of the rows, reproducibly (seeded).
    n_val = max(1, round(len(train_ds) * {d.test_size!r}))
    counts = std["label"].value_counts()
    # Stratify (keep the label balance in both splits) when every class has 2+ rows.
    stratify = "label" if counts.min() >= 2 and n_val >= len(counts) else None
    split = train_ds.train_test_split(test_size={d.test_size!r}, seed=SEED, stratify_by_column=stratify)
    train_ds, val_ds = split["train"], split["test"]{leaked}
print(f"{{len(train_ds)}} training rows, {{len(val_ds)}} validation rows")'''


def _compare_code(cfg: RunConfig) -> str:
    lora = cfg.adapter.method in ("lora", "qlora")
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
    return body + '''tuned_preds = predict(model)
for t, b, f in zip(texts, base_preds, tuned_preds):
    print(f"{t[:60]!r}: base={b} tuned={f}")'''
