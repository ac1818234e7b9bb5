"""Fine-Tune Studio engine: pure Python, no gradio. See the module docstrings:
config (RunConfig), data, tokenizing, models, training, evaluation, runs, plots."""
