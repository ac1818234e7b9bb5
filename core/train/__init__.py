"""Stage 3, training: the job and its lifecycle (job), its TrainingArguments (arguments), the
job queue (queue), the run plan and step arithmetic (plan), checks before Start (preflight),
limits for shared modes (limits), memory and time estimates (estimate, timing), views of a
running job (progress), the coach's hints (coach) and multi-GPU launch files (distributed)."""
