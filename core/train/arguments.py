"""TrainingArguments from a RunConfig: the one list of keywords that the job's Trainer, the
exported script and the model card all render.

:func:`training_kwargs` holds every keyword a run sets from its config, in the order a
reader expects them, with a *why* comment for the non-obvious ones (:data:`COMMENTS`).
What depends on where the run happens (output folder, precision flags, CPU or GPU) is
added by :func:`runtime_kwargs`. The job builds ``TrainingArguments(**both)``; the Code tab
writes the same keywords out one per line; the model card lists the hyperparameters from
the same dict. TRL's ``SFTConfig``/``DPOConfig`` extend TrainingArguments, so the same
keywords feed them too (and override SFTConfig's own defaults: bf16 on, activation
checkpointing on, logging every 10 steps, learning rate 2e-5).
"""

from __future__ import annotations

from typing import Any

from ..config import RunConfig

COMMENTS = {
    "gradient_accumulation_steps": "effective batch = batch size x this",
    "warmup_steps": "below 1: a fraction of all steps",
    "train_sampling_strategy": "group_by_length: batches of similar length, less padding",
    "logging_nan_inf_filter": "a NaN loss must be seen, not averaged away",
    "include_num_input_tokens_seen": "count real tokens, not padding, for tokens/s (TRL logs num_tokens itself: "
                                     "with pad == eos a count by id would miss every end-of-turn)",
}


def best_metric(cfg: RunConfig) -> str:
    """metric_for_best_model with the ``eval_`` prefix the Trainer reports it under."""
    metric = cfg.train.metric_for_best_model
    return metric if metric.startswith("eval_") else "eval_" + metric


def training_kwargs(cfg: RunConfig) -> dict[str, Any]:
    """Every TrainingArguments keyword a run takes from its config, in order."""
    from ..data.tokenize import effective_padding

    t = cfg.train
    metric = best_metric(cfg)
    kw: dict[str, Any] = dict(
        learning_rate=t.learning_rate,
        num_train_epochs=t.num_train_epochs,
        max_steps=t.max_steps,
        per_device_train_batch_size=t.per_device_train_batch_size,
        per_device_eval_batch_size=t.per_device_eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        activation_checkpointing=t.gradient_checkpointing,  # transformers 5's name for gradient checkpointing
        warmup_steps=t.warmup_ratio,  # a float below 1 is a fraction of the total steps
        weight_decay=t.weight_decay,
        lr_scheduler_type=t.lr_scheduler_type,
        max_grad_norm=t.max_grad_norm,
        eval_strategy=t.eval_strategy,
        eval_steps=t.eval_steps,
        save_strategy=t.save_strategy,
        save_steps=t.save_steps,
        save_total_limit=t.save_total_limit or None,
        load_best_model_at_end=t.load_best_model_at_end,
        metric_for_best_model=metric,
        greater_is_better=not metric.endswith("loss"),
        logging_steps=t.logging_steps,
        logging_first_step=True,
        logging_nan_inf_filter=False,
        seed=t.seed,
        train_sampling_strategy="group_by_length" if effective_padding(cfg) == "group_by_length" else "random",
        include_num_input_tokens_seen="non_padding" if cfg.model.task == "sequence-classification" else "no",
        report_to=t.report_to,
        disable_tqdm=True,
        dataloader_num_workers=0,
        label_names=["labels"],
        save_only_model=False,
        remove_unused_columns=True,
    )
    if cfg.model.task != "sequence-classification":
        kw["prediction_loss_only"] = True  # causal LM: eval loss only, no logits kept in memory
    return kw


def runtime_kwargs(output_dir: str, precision: str, use_cpu: bool) -> dict[str, Any]:
    """The keywords that depend on where the run happens, not on its config."""
    return dict(output_dir=output_dir, bf16=precision == "bf16", fp16=precision == "fp16", use_cpu=use_cpu)


def training_arguments(cfg: RunConfig, output_dir: str, precision: str, use_cpu: bool) -> Any:
    """``TrainingArguments`` for a run of ``cfg``."""
    from transformers import TrainingArguments

    kwargs = training_kwargs(cfg)
    # The job's own writers (core.train.loggers) record every event, the baseline and final
    # evaluations included, so the Trainer's integrations stay off; the exported script uses them.
    kwargs["report_to"] = "none"
    return TrainingArguments(**runtime_kwargs(output_dir, precision, use_cpu), **kwargs)


def hyperparameters(cfg: RunConfig, precision: str = "") -> dict[str, Any]:
    """The hyperparameters a model card lists: the method, the data shape and the training
    keywords a reader would tune (from :func:`training_kwargs`)."""
    kw = training_kwargs(cfg)
    keep = ("learning_rate", "num_train_epochs", "max_steps", "per_device_train_batch_size",
            "gradient_accumulation_steps", "warmup_steps", "weight_decay", "lr_scheduler_type", "max_grad_norm",
            "seed")
    shown = {"warmup_steps": "warmup_ratio"}  # the Trainer reads a float below 1 as a ratio
    hp: dict[str, Any] = {"method": cfg.adapter.method, **{shown.get(k, k): kw[k] for k in keep},
                          "max_length": cfg.data.max_length, "padding": cfg.data.padding,
                          "precision": precision or cfg.train.precision}
    if cfg.adapter.method in ("lora", "qlora"):
        hp.update(r=cfg.adapter.r, lora_alpha=cfg.adapter.lora_alpha, lora_dropout=cfg.adapter.lora_dropout,
                  target_modules=cfg.adapter.target_modules or "per-architecture default")
    return hp
