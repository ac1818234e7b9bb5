"""Stage 2, the model: the offline starters and Hub suggestions (registry), building or
converting starters once (starters), loading tokenizer and model (load), the training
methods full / LoRA / QLoRA / freeze (methods), and what the hardware supports (hardware)."""
