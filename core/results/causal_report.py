"""The end-of-run report of a causal-LM run: generation scores before/after, the forgetting
check and a few sample answers, for ``summary.json``, the History tab and the model card.

:func:`causal_report` is the engine call; :func:`validation_pairs` turns a run's validation
rows into ``(prompt, reference)`` pairs whatever the data format; :func:`score_finished_run`
is what the training job calls after its final evaluation (it never raises: a scoring
failure leaves a note and the run stays finished).

Keys it adds to ``summary.json`` (absent when the report did not run):

* ``generation``: ``{"n", "decoding", "weights", "seconds", "base": S, "final": S}`` with
  S = ``{"rouge_l", "chrf", "bleu", "answer_perplexity", "stopped"}`` (see
  :mod:`core.results.scores` for the scales);
* ``forgetting``: ``{"ppl_base", "ppl_final", "change", "level", "verdict", "n_texts"}``
  (see :mod:`core.results.forgetting`);
* ``samples``: up to :data:`SAMPLES_KEPT` rows ``{"prompt", "reference", "base", "tuned",
  "chrf_base", "chrf_tuned", ...}``, those where the two answers differ most first;
* ``report_note``: why a part is missing (e.g. no general-text sample), when one is.

Every row goes to ``generations.jsonl`` in the run folder (the Compare tab's table).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import RunConfig
from ..model import turns
from . import runs
from .generations import Pair, before_after

SAMPLES_KEPT = 5  # summary.json stays small: the History tab reads it for every run
ROWS_FILE = "generations.jsonl"
# A raw-text run has no prompt/answer split: its first words become the prompt.
PROMPT_WORDS = 8


# --------------------------------------------------------------------------- pairs
def _template_regex(template: str) -> re.Pattern[str] | None:
    """'Quote by {author}: {quote}' -> a pattern whose last group is the answer."""
    parts = re.split(r"\{(\w+)\}", template)
    if len(parts) < 3:
        return None
    pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts))
    pattern = pattern[: pattern.rfind("(.*?)")] + "(.*)" + pattern[pattern.rfind("(.*?)") + 5:]
    return re.compile(pattern, re.S)


def _chat_header(tokenizer: Any) -> str:
    """What the chat template writes to open the assistant's turn ('<|im_start|>assistant\\n')."""
    msgs = [{"role": "user", "content": "\x00"}]
    try:
        with_prompt = tokenizer.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
        without = tokenizer.apply_chat_template(msgs, add_generation_prompt=False, tokenize=False)
    except Exception:  # a template that refuses this conversation: no header to split at
        return ""
    return with_prompt[len(without):] if with_prompt.startswith(without) else ""


def _strip_end(text: str, tokenizer: Any) -> str:
    for tok in (*turns.END_OF_TURN_MARKERS, getattr(tokenizer, "eos_token", None) or "\x00"):
        text = text.rstrip()
        if text.endswith(tok):
            text = text[: -len(tok)]
    return text


def _content(message_or_text: Any) -> str:
    if isinstance(message_or_text, list):  # TRL conversational completion: [{"role": "assistant", ...}]
        return "".join(str(m.get("content", "")) for m in message_or_text)
    return str(message_or_text)


def pair_from_row(row: dict[str, Any], template: str = "", tokenizer: Any = None) -> Pair | None:
    """``(prompt, reference)`` from one validation row, or None when the row has no answer.

    Understood, in this order: TRL's prompt/completion columns (strings or messages; a
    preference pair's chosen answer is its reference), a ``messages`` conversation (its last
    assistant turn is the reference), and a formatted ``text``: split at the template's last
    field, at the chat template's assistant header, or after the first :data:`PROMPT_WORDS` words."""
    if "prompt" in row and ("completion" in row or "chosen" in row):  # a preference pair: its chosen answer
        prompt = row["prompt"]
        answer = row["completion"] if "completion" in row else row["chosen"]
        return (prompt if isinstance(prompt, (str, list)) else str(prompt)), _content(answer)
    if isinstance(row.get("messages"), list):
        msgs = row["messages"]
        last = max((i for i, m in enumerate(msgs) if m.get("role") == "assistant"), default=None)
        if last is None or last == 0:
            return None
        return [dict(m) for m in msgs[:last]], str(msgs[last].get("content", ""))
    text = str(row.get("text", ""))
    if not text.strip():
        return None
    pattern = _template_regex(template) if template else None
    if pattern is not None:
        m = pattern.fullmatch(text)
        if m and m.group(m.lastindex).strip():
            prompt = text[: m.start(m.lastindex)].rstrip(" ")  # the space before the answer belongs to it
            return prompt, text[len(prompt):]
        return None
    header = _chat_header(tokenizer) if tokenizer is not None and turns.has_chat_template(tokenizer) else ""
    if header and header in text:
        cut = text.rfind(header) + len(header)
        answer = _strip_end(text[cut:], tokenizer)
        return (text[:cut], answer) if answer.strip() else None
    words = text.split(" ")
    if len([w for w in words if w]) <= PROMPT_WORDS:
        return None
    head = " ".join(words[:PROMPT_WORDS])
    return head, text[len(head):]


def validation_pairs(rows: Sequence[dict[str, Any]], template: str = "", tokenizer: Any = None,
                     limit: int = 0) -> list[Pair]:
    """Pairs from the first rows that have an answer (``limit`` of them; 0 = all)."""
    out = []
    for row in rows:
        pair = pair_from_row(row, template, tokenizer)
        if pair is not None and pair[1].strip():
            out.append(pair)
            if limit and len(out) >= limit:
                break
    return out


def run_validation_pairs(cfg: RunConfig, tokenizer: Any, limit: int) -> list[Pair]:
    """The first ``limit`` pairs of a run's validation split (read and split again: same data,
    same seed, same split as the run had)."""
    from ..data.prepare import prepare

    prepared = prepare(cfg, tokenizer)
    return validation_pairs(prepared.validation.to_list(), prepared.template, tokenizer, limit=limit)


# --------------------------------------------------------------------------- report
def causal_report(cfg: RunConfig, model: Any, tokenizer: Any, pairs: Sequence[Pair],
                  general_texts: Sequence[str] = (), base: Any = None) -> dict[str, Any]:
    """Generation scores, forgetting check and samples for a fine-tuned causal LM.

    ``model`` is the fine-tuned model: a PEFT model (its adapter is switched off for the
    base side) or, with ``base`` given, a fully fine-tuned one. ``general_texts`` empty =
    no forgetting check. Returns the summary.json keys described in the module docstring
    plus ``rows`` (every scored row)."""
    from .forgetting import general_perplexity, verdict
    from .generations import base_side

    out: dict[str, Any] = {}
    if pairs:
        gen = before_after(model, tokenizer, pairs, cfg.generate, base=base, seed=cfg.train.seed,
                           max_length=cfg.data.max_length, add_eos=cfg.data.add_eos)
        rows = gen.pop("rows")
        out["generation"] = gen
        out["rows"] = rows
        out["samples"] = [{k: r[k] for k in ("prompt", "reference", "base", "tuned", "rouge_l_base", "rouge_l_tuned",
                                             "chrf_base", "chrf_tuned", "difference")} for r in rows[:SAMPLES_KEPT]]
    if general_texts:
        t0 = time.time()
        with base_side(model, base) as before:
            ppl_base = general_perplexity(before, tokenizer, general_texts, cfg.data.max_length)
        ppl_final = general_perplexity(model, tokenizer, general_texts, cfg.data.max_length)
        out["forgetting"] = {**verdict(ppl_base, ppl_final, task_better(out.get("generation"))),
                             "n_texts": len(general_texts), "seconds": round(time.time() - t0, 2)}
    return out


def task_better(generation: dict[str, Any] | None) -> bool | None:
    """Did fine-tuning help the task? Answer perplexity when both sides have one, else chrF."""
    if not generation:
        return None
    b, f = generation.get("base") or {}, generation.get("final") or {}
    if b.get("answer_perplexity") is not None and f.get("answer_perplexity") is not None:
        return f["answer_perplexity"] < b["answer_perplexity"]
    if "chrf" in b and "chrf" in f:
        return f["chrf"] > b["chrf"]
    return None


# History-table columns from a report: (column, summary section, key, digits).
SCORE_COLUMNS = (("ROUGE-L", "generation", "rouge_l", 3), ("chrF", "generation", "chrf", 1),
                 ("answer ppl", "generation", "answer_perplexity", 2), ("general ppl", "forgetting", "ppl", 1))


def score_cells(summary: dict[str, Any]) -> dict[str, str]:
    """'before → after' cells for the History tab's metrics table, only for the scores this
    run has (a run without a report adds no column): ROUGE-L, chrF, answer perplexity and the
    forgetting check's general-text perplexity with its relative change."""
    out: dict[str, str] = {}
    for column, section, key, digits in SCORE_COLUMNS:
        part = summary.get(section) or {}
        if section == "forgetting":
            before, after = part.get("ppl_base"), part.get("ppl_final")
        else:
            before, after = (part.get("base") or {}).get(key), (part.get("final") or {}).get(key)
        if not isinstance(before, (int, float)) or not isinstance(after, (int, float)):
            continue
        cell = f"{before:.{digits}f} → {after:.{digits}f}"
        if section == "forgetting" and isinstance(part.get("change"), (int, float)):
            cell += f" ({part['change']:+.0%})"
        out[column] = cell
    return out


def summary_fields(report: dict[str, Any]) -> dict[str, Any]:
    """What of a report goes into summary.json (everything but the full rows)."""
    return {k: v for k, v in report.items() if k != "rows"}


def write_rows(run_dir: Path, rows: Sequence[dict[str, Any]]) -> Path:
    return runs.write_rows(Path(run_dir) / ROWS_FILE, rows)


def read_rows(run_dir: Path) -> list[dict[str, Any]]:
    """The scored validation rows a finished run wrote (empty when it wrote none)."""
    return runs.read_rows(Path(run_dir) / ROWS_FILE)


# --------------------------------------------------------------------------- job hook
def score_finished_run(cfg: RunConfig, run_dir: Path, model: Any, tokenizer: Any) -> dict[str, Any]:
    """The training job's end-of-run call for causal runs: summary.json fields to add.

    Reads the validation split again (same seed, same split), answers
    ``cfg.generate.eval_samples`` of its prompts with both models and checks forgetting on
    the bundled general text. A full or freeze run loads the base model beside the
    fine-tuned one for the duration (a second copy of the weights). Never raises: what
    failed is reported under ``report_note``."""
    n = cfg.generate.eval_samples
    if cfg.model.task != "causal-lm" or n <= 0:
        return {}
    notes: list[str] = []
    base = None
    try:
        from .forgetting import ForgettingError, read_general_texts

        pairs = run_validation_pairs(cfg, tokenizer, n)
        if not pairs:
            notes.append("no validation row could be split into a prompt and an answer, so no answers were scored")
        try:
            texts = read_general_texts()
        except ForgettingError as exc:
            texts = []
            notes.append(f"no forgetting check: {exc}")
        if not hasattr(model, "peft_config"):
            from ..model.load import load_base_model

            base, _ = load_base_model(cfg, None, tokenizer)
            base.to(next(model.parameters()).device)
        report = causal_report(cfg, model, tokenizer, pairs, texts, base=base)
        if report.get("rows"):
            write_rows(run_dir, report["rows"])
        fields = summary_fields(report)
    except Exception as exc:  # noqa: BLE001 - scores are extra: the run itself finished
        fields = {}
        notes.append(f"the before/after scores could not be computed ({type(exc).__name__}: "
                     f"{str(exc).splitlines()[0][:200] if str(exc) else ''})")
    finally:
        del base
    if notes:
        fields["report_note"] = "; ".join(notes)
    return fields
