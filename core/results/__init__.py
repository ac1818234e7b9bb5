"""Stage 4, results: run folders (runs), offline metrics (evaluation), base vs fine-tuned
(compare), exports and model cards (export), the standalone script (codegen) and the
figures (plots)."""
