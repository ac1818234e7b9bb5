"""TrainingArguments from a RunConfig: the one list of keywords that the job's Trainer, the
exported script and the model card all render."""
from __future__ import annotations

from typing import Any

from ..config import RunConfig


def training_arguments(cfg: RunConfig, output_dir: str, precision: str, use_cpu: bool) -> Any:
    """TrainingArguments from a RunConfig (also what the exported script writes out)."""
    from transformers import TrainingArguments

    from ..data.tokenize import effective_padding

    t = cfg.train
    is_cls = cfg.model.task == "sequence-classification"
    metric = t.metric_for_best_model
    if not metric.startswith("eval_"):
        metric = "eval_" + metric
    return TrainingArguments(
        output_dir=output_dir,
        learning_rate=t.learning_rate,
        num_train_epochs=t.num_train_epochs,
        max_steps=t.max_steps,
        per_device_train_batch_size=t.per_device_train_batch_size,
        per_device_eval_batch_size=t.per_device_eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        gradient_checkpointing=t.gradient_checkpointing,
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
        logging_nan_inf_filter=False,  # a NaN loss must reach the recorder, not be averaged away
        seed=t.seed,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=use_cpu,
        train_sampling_strategy="group_by_length" if effective_padding(cfg) == "group_by_length" else "random",
        include_num_input_tokens_seen="non_padding",
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        label_names=["labels"],
        save_only_model=False,
        remove_unused_columns=True,
        **({} if is_cls else {"prediction_loss_only": True}),
    )
