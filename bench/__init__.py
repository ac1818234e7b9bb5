"""Fine-Tune Studio benchmarks: every figure is a ratio (or latency) measured side by side
in one run, so it holds on a noisy machine. ``python -m bench [--quick] [--only NAME]``."""
