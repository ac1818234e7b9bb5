"""One trainer per objective, built from a RunConfig: the Job's setup calls :func:`inputs_for`
(the tokenized splits, what was dropped and why) and then :func:`build_trainer`.

* classification: ``transformers.Trainer`` on the encoded splits, with the studio's collator
  and metrics;
* causal LM (supervised fine-tuning): TRL's ``SFTTrainer``. The rows are tokenized through TRL
  once (:mod:`core.data.labels`), rows with no trained token within ``max_length`` are counted,
  reported and left out, and the kept ``input_ids`` + ``labels`` go to the trainer, which uses
  the labels as they are (answer-only loss, each end-of-turn trained, padding masked by
  position). ``data.padding`` maps onto SFTConfig: packing -> ``padding_free`` (each batch
  flattened into one row with restarting position_ids, so a batch is still
  per_device_train_batch_size rows and the plan's step arithmetic holds); max_length ->
  ``pad_to_multiple_of=max_length``; dynamic -> the default collator; group_by_length -> the
  Trainer's length-grouped sampler.

* causal LM with ``train.objective`` dpo: TRL's ``DPOTrainer`` on preference pairs, the
  reference being the base with the adapter off (:mod:`core.train.dpo`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import RunConfig
from ..data.sources import DataError
from .arguments import runtime_kwargs, training_kwargs


@dataclass
class TrainInputs:
    """The tokenized splits a trainer gets, and what the job reports about them."""

    train: Any
    validation: Any
    lengths: list[int]                                     # training lengths within max_length (estimate)
    notes: list[str] = field(default_factory=list)         # extra lines for the data report
    summary: dict[str, Any] = field(default_factory=dict)  # extra keys for summary.json
    tokenizer: Any = None                                  # what the trainer tokenizes with (its template)


def inputs_for(cfg: RunConfig, tokenizer: Any, prepared: Any) -> TrainInputs:
    if cfg.model.task == "sequence-classification":
        from ..data.tokenize import encode_dataset

        train = encode_dataset(prepared.train, tokenizer, cfg)
        return TrainInputs(train, encode_dataset(prepared.validation, tokenizer, cfg), list(train["length"]),
                           tokenizer=tokenizer)
    if cfg.train.objective == "dpo":
        from .dpo import dpo_inputs

        return dpo_inputs(cfg, tokenizer, prepared)
    return _sft_inputs(cfg, tokenizer, prepared)


def _sft_inputs(cfg: RunConfig, tokenizer: Any, prepared: Any) -> TrainInputs:
    from ..data.inspect import training_view
    from ..data.labels import tokenize_split

    view = training_view(cfg, tokenizer, prepared)
    train, detected = view.split, prepared.detected
    val = tokenize_split(tokenizer, prepared.validation, cfg, detected)
    n = cfg.data.max_length
    if len(train.dropped) == len(train.counts):
        raise DataError(f"no training row keeps a trained token within data.max_length {n}: every answer starts "
                        "after the cut. Raise data.max_length or shorten the prompts")
    if len(val.dropped) == len(val.counts):
        raise DataError(f"no validation row keeps a trained token within data.max_length {n}; raise it")
    notes = [f"format {detected.format}: {train.summary()['trained_tokens']:,} trained tokens in "
             f"{len(train.counts) - len(train.dropped)} training rows"]
    if train.dropped or val.dropped:
        notes.append(f"{len(train.dropped)} training and {len(val.dropped)} validation rows left out: no trained "
                     f"token within max_length {n}")
    notes += [f"{a.level}: {a.line()}" for a in view.alarms if a.kind != "untrained-rows"]
    kept = train.kept()
    sft = {"format": detected.format, **view.flags, "template": view.template or "",
           "dropped_train_rows": train.dropped, "dropped_validation_rows": val.dropped,
           "answer_cut_rows": train.answer_cut, "trained_tokens": train.summary()["trained_tokens"],
           "alarms": [a.kind for a in view.alarms]}
    return TrainInputs(kept, val.kept(), [len(ids) for ids in kept["input_ids"]], notes, {"sft": sft},
                       tokenizer=view.tokenizer)


def sft_kwargs(cfg: RunConfig) -> dict[str, Any]:
    """The SFTConfig keywords beyond TrainingArguments' (the exported script writes the same)."""
    from ..data.tokenize import effective_padding

    padding = effective_padding(cfg)
    return dict(
        # rows arrive tokenized and cut to max_length already; padding-free refuses a max_length
        max_length=None if padding == "packing" else cfg.data.max_length,
        padding_free=padding == "packing",
        pad_to_multiple_of=cfg.data.max_length if padding == "max_length" else None,
        packing=False,
        dataset_text_field="text",
    )


def build_trainer(cfg: RunConfig, model: Any, inputs: TrainInputs, output_dir: str, precision: str, use_cpu: bool,
                  callbacks: list[Any], num_labels: int = 0) -> Any:
    """The trainer for ``cfg``'s objective, its printer callback removed (the job records)."""
    from transformers.trainer_callback import PrinterCallback

    kwargs = training_kwargs(cfg)
    # The job's writers (core.train.loggers) record every event, the baseline and final
    # evaluations included, so the trainers' own integrations stay off.
    kwargs["report_to"] = "none"
    runtime = runtime_kwargs(output_dir, precision, use_cpu)
    if cfg.model.task == "sequence-classification":
        from transformers import Trainer, TrainingArguments

        from ..data.tokenize import make_collator
        from ..results.evaluation import make_compute_metrics

        trainer = Trainer(model=model, args=TrainingArguments(**runtime, **kwargs), train_dataset=inputs.train,
                          eval_dataset=inputs.validation, processing_class=inputs.tokenizer,
                          data_collator=make_collator(inputs.tokenizer, cfg),
                          compute_metrics=make_compute_metrics(num_labels), callbacks=callbacks)
    elif cfg.train.objective == "dpo":
        from .dpo import build_dpo_trainer

        trainer = build_dpo_trainer(cfg, model, inputs, runtime, kwargs, callbacks)
    else:
        import datasets
        from trl import SFTConfig, SFTTrainer

        datasets.disable_progress_bars()
        if sft_kwargs(cfg)["padding_free"]:
            model.config.use_cache = False  # a cache would let packed rows attend to each other
        args = SFTConfig(**runtime, **kwargs, **sft_kwargs(cfg))
        trainer = SFTTrainer(model=model, args=args, train_dataset=inputs.train, eval_dataset=inputs.validation,
                             processing_class=inputs.tokenizer, callbacks=callbacks)
    trainer.remove_callback(PrinterCallback)
    _seed_length_groups(trainer, cfg.train.seed)
    if cfg.train.early_stopping_patience:
        from transformers import EarlyStoppingCallback

        trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=cfg.train.early_stopping_patience))
    return trainer


def _seed_length_groups(trainer: Any, seed: int) -> None:
    """Draw group_by_length's batch order from (seed, epoch) instead of the global RNG.

    transformers' LengthGroupedSampler shuffles with the global generator when an epoch
    starts; a run resumed mid-epoch restores the generator as it was at the checkpoint, later
    than that draw, so it trained on other batches than the uninterrupted run (measured: losses
    apart from the first step after the resume to the epoch's end). An epoch-seeded order is the
    same both ways; the Trainer calls set_epoch on the sampler at every epoch, resumes included."""
    original = trainer._get_train_sampler

    def sampler(*args: Any, **kwargs: Any) -> Any:
        import torch
        from transformers.trainer_pt_utils import LengthGroupedSampler, get_length_grouped_indices

        found = original(*args, **kwargs)
        if not isinstance(found, LengthGroupedSampler):
            return found

        class EpochSeeded(LengthGroupedSampler):
            epoch = 0

            def set_epoch(self, epoch: int) -> None:
                self.epoch = int(epoch)

            def __iter__(self) -> Any:
                g = torch.Generator().manual_seed(seed * 1000 + self.epoch)
                return iter(get_length_grouped_indices(self.lengths, self.batch_size, generator=g))

        return EpochSeeded(found.batch_size, lengths=found.lengths)

    trainer._get_train_sampler = sampler
