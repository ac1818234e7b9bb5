"""Preference tuning (``train.objective: dpo``) on TRL's DPOTrainer, and the held-out check.

* :func:`dpo_inputs`: the prepared pairs (core.data.chat.preference_row: conversational, so TRL
  renders them with the chat template) and what the job reports about them.
* :func:`build_dpo_trainer`: ``DPOTrainer(model=<the plain base model>, ref_model=None,
  peft_config=LoraConfig)``. TRL wraps the model in PEFT itself and computes the reference
  log-probabilities with the adapter switched off, so the reference costs no second copy of
  the weights (for SmolLM2-135M in fp32: 517 MiB instead of 1,030). Given an already wrapped
  PeftModel, TRL would instead add a second "ref" adapter copied from the first, so the job's
  LoRA model is unwrapped first and its LoraConfig handed over.
* :func:`dpo_kwargs`: the DPOConfig keywords beyond TrainingArguments'. TRL's own defaults
  (bf16 on, gradient checkpointing on, learning rate 1e-6, logging every 10 steps) are all
  overridden by the RunConfig's training keywords, as for SFT.
* :func:`preference_report`: on the held-out pairs, how often the summed log-probability of the
  chosen answer beats the rejected one's, for the base (adapter off) and the tuned model (adapter
  on), one copy of the weights; and the same per answer token. The summed score favours the
  shorter answer, so when the preferred answers are the longer ones the base scores low on it
  while already preferring them per token: both are reported.
* :func:`score_dpo_run`: that report for a finished run, and each held-out pair's margin under
  both models in ``preference.jsonl`` (:func:`read_pair_rows`; the Compare tab's table).

The logged metrics are TRL's (``rewards/chosen``, ``rewards/rejected``, ``rewards/accuracies``,
``rewards/margins``, ``logps/chosen``, ``logps/rejected``; ``eval_`` + the same on evaluation),
recorded by the job like every other log key.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ..config import RunConfig
from ..data.pairs import pair_lengths
from ..data.sources import DataError
from ..results.runs import read_rows, write_rows
from .trainers import TrainInputs

DPO_CURVES = ("rewards/accuracies", "rewards/margins", "rewards/chosen", "rewards/rejected")


def dpo_inputs(cfg: RunConfig, tokenizer: Any, prepared: Any) -> TrainInputs:
    """The pair splits as TRL reads them, their lengths (for the estimate) and the report lines."""
    if prepared.detected is None or prepared.detected.format != "preference":
        raise DataError("train.objective dpo needs preference pairs (prompt, chosen, rejected)")
    if isinstance(prepared.train[0]["prompt"], list) and not getattr(tokenizer, "chat_template", None):
        raise DataError("these pairs are chat turns but the model has no chat template; set data.chat_template "
                        "chatml or plain")
    n = cfg.data.max_length
    lengths, cut, dropped = [], 0, 0
    for row in prepared.train:
        p, c, r = pair_lengths(tokenizer, row)
        lengths.append(min(max(c, r), n))
        cut += max(c, r) > n
        dropped += p >= n  # TRL drops a pair whose prompt alone fills max_length
    if dropped == len(lengths):
        raise DataError(f"every prompt fills data.max_length {n} on its own, so no answer is left to compare; "
                        "raise data.max_length")
    notes = [f"format preference: {len(lengths)} training pairs, {len(prepared.validation)} held out; the "
             "reference model is the base with the adapter off"]
    if cut:
        notes.append(f"{cut} pairs are longer than data.max_length {n}: their answers are cut at the end"
                     + (f", and {dropped} whose prompt fills it are left out" if dropped else ""))
    summary = {"dpo": {"format": "preference", "pairs_cut": cut, "pairs_dropped": dropped,
                       "beta": cfg.dpo.beta, "loss_type": cfg.dpo.loss_type}}
    return TrainInputs(prepared.train, prepared.validation, lengths, notes, summary, tokenizer=tokenizer)


def dpo_kwargs(cfg: RunConfig) -> dict[str, Any]:
    """The DPOConfig keywords beyond TrainingArguments' (the exported script writes the same)."""
    d = cfg.dpo
    return dict(
        beta=d.beta,
        loss_type=[d.loss_type],  # TRL 1.16 takes a list (several losses can be mixed)
        label_smoothing=d.label_smoothing,
        max_length=cfg.data.max_length,  # prompt + answer; longer pairs keep their start
        precompute_ref_log_probs=d.precompute_ref_log_probs,
    )


def unwrap_lora(model: Any) -> tuple[Any, Any]:
    """(plain base model, its LoraConfig) of the job's PEFT model: DPOTrainer gets the base and
    the config, so the reference is the base with the adapter off (see the module docstring)."""
    if not hasattr(model, "peft_config"):
        raise DataError("train.objective dpo needs adapter.method lora or qlora")
    config = model.peft_config["default"]
    return model.unload(), config


def build_dpo_trainer(cfg: RunConfig, model: Any, inputs: TrainInputs, runtime: dict[str, Any],
                      kwargs: dict[str, Any], callbacks: list[Any]) -> Any:
    import datasets
    from trl import DPOConfig, DPOTrainer

    datasets.disable_progress_bars()
    base, lora = unwrap_lora(model)
    tok = inputs.tokenizer
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    kwargs = {k: v for k, v in kwargs.items() if k != "label_names"}  # DPO batches carry no labels column
    args = DPOConfig(**runtime, **kwargs, **dpo_kwargs(cfg))
    return DPOTrainer(model=base, ref_model=None, args=args, train_dataset=inputs.train,
                      eval_dataset=inputs.validation, processing_class=tok, peft_config=lora, callbacks=callbacks)


# --------------------------------------------------------------------------- held-out check
@contextlib.contextmanager
def _adapter(model: Any, on: bool):
    if on:
        yield
    else:
        with model.disable_adapter():
            yield


def answer_logprobs(model: Any, rows: Any, pad_id: int, max_length: int | None, batch_size: int = 8,
                    ) -> list[tuple[float, int, float, int]]:
    """Per pair (sum log p(chosen), chosen tokens, sum log p(rejected), rejected tokens), each
    token scored given everything before it; the ids are TRL's own (``prompt_ids``,
    ``chosen_ids``, ``rejected_ids``), cut to ``max_length`` as its collator cuts them."""
    import torch

    seqs = []
    for row in rows:
        for side in ("chosen_ids", "rejected_ids"):
            ids = list(row["prompt_ids"]) + list(row[side])
            mask = [0] * len(row["prompt_ids"]) + [1] * len(row[side])
            seqs.append((ids[:max_length], mask[:max_length]) if max_length else (ids, mask))
    scores: list[tuple[float, int]] = []
    device = next(model.parameters()).device
    for i in range(0, len(seqs), batch_size):
        chunk = seqs[i:i + batch_size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.tensor([s + [pad_id] * (width - len(s)) for s, _ in chunk], device=device)
        att = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s, _ in chunk], device=device)
        ans = torch.tensor([m + [0] * (width - len(m)) for _, m in chunk], device=device)[:, 1:]
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=att).logits.float()
        logp = torch.log_softmax(logits[:, :-1], -1).gather(-1, ids[:, 1:, None])[..., 0]
        scores += list(zip((logp * ans).sum(-1).tolist(), ans.sum(-1).tolist()))
    return [(*scores[j], *scores[j + 1]) for j in range(0, len(scores), 2)]


def _accuracies(scores: list[tuple[float, int, float, int]]) -> dict[str, float]:
    n = max(len(scores), 1)
    summed = sum(c > r for c, _, r, _ in scores) / n
    per_token = sum(c / max(nc, 1) > r / max(nr, 1) for c, nc, r, nr in scores) / n
    margin = sum(c - r for c, _, r, _ in scores) / n
    return {"accuracy": round(summed, 4), "per_token": round(per_token, 4), "margin": round(margin, 3)}


def _scores(model: Any, rows: Any, pad_id: int, max_length: int | None) -> tuple[list, list]:
    """(base, tuned) answer log-probabilities of every pair: the adapter off, then on."""
    was_training = model.training
    model.eval()
    try:
        with _adapter(model, on=False):
            base = answer_logprobs(model, rows, pad_id, max_length)
        tuned = answer_logprobs(model, rows, pad_id, max_length)
    finally:
        model.train(was_training)
    return base, tuned


def preference_report(model: Any, rows: Any, pad_id: int, max_length: int | None, beta: float,
                      scores: tuple[list, list] | None = None) -> dict[str, Any]:
    """summary["preference"]: held-out preference accuracy of the base (adapter off) and the
    tuned model (adapter on), summed and per token, and the held-out reward accuracy (how often
    tuning raised the chosen answer's log-probability more than the rejected one's: DPO's own
    measure, which cancels the length effect). ``scores``: :func:`_scores`, when already computed."""
    base, tuned = scores or _scores(model, rows, pad_id, max_length)
    b, t = _accuracies(base), _accuracies(tuned)
    rewards = [beta * ((tc - bc) - (tr - br)) for (bc, _, br, _), (tc, _, tr, _) in zip(base, tuned)]
    n = max(len(rewards), 1)
    return {"pairs": len(rows), "base": b["accuracy"], "tuned": t["accuracy"],
            "base_per_token": b["per_token"], "tuned_per_token": t["per_token"],
            "base_margin": b["margin"], "tuned_margin": t["margin"],
            "reward_accuracy": round(sum(r > 0 for r in rewards) / n, 4),
            "reward_margin": round(sum(rewards) / n, 4),
            "note": "log p(chosen) > log p(rejected) on the held-out pairs; the base is the same weights with the "
                    "adapter off. Summed over the answer it favours the shorter answer; per token it does not."}


ROWS_FILE = "preference.jsonl"  # one held-out pair a line: its texts and both models' margins (Compare tab)


def _text(value: Any, tokenizer: Any, ids: Any) -> str:
    """A pair's prompt or answer as words: the message contents, the string, or its decoded ids."""
    if isinstance(value, list):
        return "\n".join(str(m.get("content", "")) for m in value if isinstance(m, dict))
    if isinstance(value, str):
        return value
    return tokenizer.decode(list(ids), skip_special_tokens=True)


def pair_rows(rows: Any, scores: tuple[list, list], tokenizer: Any) -> list[dict[str, Any]]:
    """Per held-out pair: the prompt and both answers, and log p(chosen) - log p(rejected)
    (summed over each answer, in nats) under the base and the tuned model."""
    out = []
    for row, (bc, _, br, _), (tc, nc, tr, nr) in zip(rows, *scores):
        out.append({"prompt": _text(row.get("prompt"), tokenizer, row["prompt_ids"]),
                    "chosen": _text(row.get("chosen"), tokenizer, row["chosen_ids"]),
                    "rejected": _text(row.get("rejected"), tokenizer, row["rejected_ids"]),
                    "base_margin": round(bc - br, 3), "tuned_margin": round(tc - tr, 3),
                    "chosen_tokens": nc, "rejected_tokens": nr})
    return out


def write_pair_rows(run_dir: Path, rows: list[dict[str, Any]]) -> Path:
    return write_rows(Path(run_dir) / ROWS_FILE, rows)


def read_pair_rows(run_dir: Path) -> list[dict[str, Any]]:
    """The held-out pairs a finished DPO run wrote ([] for other runs, or one from before)."""
    return read_rows(Path(run_dir) / ROWS_FILE)


def score_dpo_run(trainer: Any, cfg: RunConfig, run_dir: Path | None = None) -> dict[str, Any]:
    """The held-out report of a finished DPO run, on TRL's tokenized validation pairs; with
    ``run_dir`` each pair's margins go to its preference.jsonl too."""
    rows = trainer.eval_dataset
    if rows is None or len(rows) == 0:
        return {}
    tok = trainer.processing_class
    pad_id = tok.pad_token_id or 0
    scores = _scores(trainer.model, rows, pad_id, cfg.data.max_length)
    if run_dir is not None:
        write_pair_rows(run_dir, pair_rows(rows, scores, tok))
    return {"preference": preference_report(trainer.model, rows, pad_id, cfg.data.max_length, cfg.dpo.beta,
                                            scores)}
