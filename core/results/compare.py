"""Base vs fine-tuned: the same inputs through both models, side by side.

For adapter runs (LoRA/QLoRA) one copy of the base weights is loaded and the adapter is
switched off and on (PEFT's ``disable_adapter``) instead of loading two models. For full
fine-tuning and freezing, the fine-tuned model is loaded from the run folder and the base
model is loaded once and kept in a small cache. The base model is built exactly as the
training job built it (same seed, so the same random classification head), which makes
"base" here equal to the run's ``baseline``.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterator

from ..config import RunConfig
from .runs import load_run_config, read_summary

_BASE_CACHE: "OrderedDict[tuple, Any]" = OrderedDict()
_BASE_LOCK = threading.Lock()


class CompareError(ValueError):
    """The run can't be compared (not finished, files missing); the message says why."""


# Below this lead over the runner-up, a model has no real preference (0.51 vs 0.49 is a coin).
UNDECIDED_MARGIN = 0.10


def label_change(base: dict[str, float], tuned: dict[str, float]) -> str:
    """How the top label moved from base to fine-tuned, in words, for the Compare verdict.
    A model whose top class leads the next by less than :data:`UNDECIDED_MARGIN` is called
    undecided: "the same label" after a 50/50 base would overstate what the base knew."""
    def top(probs: dict[str, float]) -> tuple[str, bool]:
        ranked = sorted(probs.values(), reverse=True)
        lead = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
        return max(probs, key=probs.get), lead >= UNDECIDED_MARGIN

    (b, b_sure), (t, t_sure) = top(base), top(tuned)
    if not b_sure and t_sure:
        return "the base model was undecided (about even odds); the fine-tuned one has learnt to choose"
    if not t_sure:
        return "the fine-tuned model is still undecided (about even odds): train for longer or check the data"
    return "the same label, held with more confidence" if b == t and tuned[t] > base[b] else \
        "the same label" if b == t else "a different label"


def _base_model(cfg: RunConfig, labels: list[str] | None, tok: Any) -> Any:
    from ..model.load import load_base_model

    key = (cfg.model.name_or_path, cfg.model.task, tuple(labels or ()), cfg.train.seed, cfg.model.dtype)
    with _BASE_LOCK:
        if key in _BASE_CACHE:
            _BASE_CACHE.move_to_end(key)
            return _BASE_CACHE[key]
    model, _ = load_base_model(cfg, labels, tok)
    model.eval()
    with _BASE_LOCK:
        _BASE_CACHE[key] = model
        while len(_BASE_CACHE) > 2:
            _BASE_CACHE.popitem(last=False)
    return model


def model_bytes(model: Any) -> int:
    seen, total = set(), 0
    for t in list(model.parameters()) + list(model.buffers()):
        if t.data_ptr() in seen:
            continue
        seen.add(t.data_ptr())
        total += t.numel() * t.element_size()
    return total


class Comparison:
    """A finished run loaded for side-by-side predictions."""

    def __init__(self, run_dir: str | Path):
        self.run_dir = Path(run_dir)
        summary = read_summary(self.run_dir)
        final = self.run_dir / "final"
        if not (final / "config.json").is_file() and not (final / "adapter_config.json").is_file():
            raise CompareError(f"run {self.run_dir.name} has no trained model yet (status "
                               f"{summary.get('status', 'unknown')}); finish or resume it first")
        self.cfg = load_run_config(self.run_dir)
        self.summary = summary
        self.labels: list[str] | None = summary.get("labels")
        self.task = self.cfg.model.task
        self.template = summary.get("template", "")
        from transformers import AutoTokenizer

        from ..model.load import load_finetuned

        self.tokenizer = AutoTokenizer.from_pretrained(final)
        tuned, self.is_adapter = load_finetuned(self.cfg, final, self.labels, self.tokenizer)
        self.tuned = tuned.eval()
        # One copy of the base weights: an adapter is switched off for "before"; a full or
        # freeze run needs the base model loaded beside it (cached across comparisons).
        self.base = None if self.is_adapter else _base_model(self.cfg, self.labels, self.tokenizer)
        self.memory_bytes = model_bytes(self.tuned) + (model_bytes(self.base) if self.base is not None else 0)
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def as_base(self) -> Iterator[Any]:
        """The base model: the adapter switched off, or the cached base model."""
        if self.is_adapter:
            with self.tuned.disable_adapter():
                yield self.tuned
        else:
            yield self.base

    def memory_line(self) -> str:
        how = ("one copy of the base weights, adapter switched off/on" if self.is_adapter
               else "base and fine-tuned models both in memory")
        return f"comparison uses {self.memory_bytes / 2**20:.0f} MB of weights ({how})"

    # ---- classification ----------------------------------------------------------
    def classify(self, texts: list[str], pairs: list[str] | None = None) -> dict[str, Any]:
        """Class probabilities from both models: {"base": [[p...]], "tuned": [[p...]]}."""
        import torch

        if self.task != "sequence-classification":
            raise CompareError("this run is a causal LM; use generate")
        enc = self.tokenizer(texts, pairs, truncation=True, max_length=self.cfg.data.max_length, padding=True,
                             return_tensors="pt")
        out = {}
        with self.lock, torch.no_grad():
            with self.as_base() as base:
                out["base"] = torch.softmax(base(**enc).logits.float(), -1).tolist()
            out["tuned"] = torch.softmax(self.tuned(**enc).logits.float(), -1).tolist()
        out["labels"] = self.labels
        return out

    def validation_report(self, limit: int = 500, batch_size: int = 32) -> dict[str, Any]:
        """Both models over the validation split: disagreements and metrics before/after."""
        from ..data.prepare import prepare
        from .evaluation import classification_metrics

        prepared = prepare(self.cfg)
        val = prepared.validation.select(range(min(limit, len(prepared.validation))))
        texts, labels = val["text"], val["label"]
        pairs = val["text_pair"] if "text_pair" in val.column_names else None
        base_p, tuned_p = [], []
        for i in range(0, len(texts), batch_size):
            r = self.classify(texts[i:i + batch_size], pairs[i:i + batch_size] if pairs else None)
            base_p += r["base"]
            tuned_p += r["tuned"]
        argmax = lambda rows: [max(range(len(p)), key=p.__getitem__) for p in rows]  # noqa: E731
        bp, tp = argmax(base_p), argmax(tuned_p)
        n = len(self.labels or [])
        rows = [{"text": t if not pairs else f"{t} || {pairs[i]}", "true": self.labels[y], "base": self.labels[b],
                 "fine-tuned": self.labels[f], "fine-tuned right": f == y}
                for i, (t, y, b, f) in enumerate(zip(texts, labels, bp, tp)) if b != f]
        return {"disagreements": rows, "base": classification_metrics(bp, labels, n),
                "tuned": classification_metrics(tp, labels, n), "n": len(texts)}

    # ---- generation --------------------------------------------------------------
    @property
    def is_chat(self) -> bool:
        """Whether the run laid its rows out as a conversation (a prompt is then a user turn)."""
        fmt = self.summary.get("prompt_format", "")
        return fmt in ("sharegpt", "messages") or (fmt in ("prompt_completion", "instruction")
                                                    and self.cfg.data.chat_template != "plain")

    def validation_answers(self, n: int = 8, gen: Any = None) -> dict[str, Any]:
        """Base vs fine-tuned answers to ``n`` held-out prompts with the reference answers,
        per-row and overall scores, the rows where the answers differ most first
        (:func:`core.results.generations.before_after`; same weights as :meth:`as_base`)."""
        from .causal_report import run_validation_pairs
        from .generations import before_after

        if self.task != "causal-lm":
            raise CompareError("this run is a classifier; use validation_report")
        pairs = run_validation_pairs(self.cfg, self.tokenizer, n)
        if not pairs:
            raise CompareError("no validation row of this run splits into a prompt and an answer")
        with self.lock:
            return before_after(self.tuned, self.tokenizer, pairs, gen or self.cfg.generate, base=self.base,
                                seed=self.cfg.train.seed, max_length=self.cfg.data.max_length,
                                add_eos=self.cfg.data.add_eos)

    def chat(self, conv: Any, message: str, gen: Any = None, system: str = "",
             replies: dict[str, Any] | None = None) -> Iterator[tuple[str, str]]:
        """One chat turn for both sides, streamed (:func:`core.results.chat.stream_both`)."""
        from .chat import stream_both

        if self.task != "causal-lm":
            raise CompareError("this run is a classifier; use classify")
        with self.lock:
            yield from stream_both(self.tuned, self.tokenizer, conv, message, gen or self.cfg.generate, base=self.base,
                                   system=system, seed=self.cfg.train.seed, replies=replies)

    def prompts(self, n: int = 3) -> list[str]:
        """Prompts from the validation split, one line each: the template up to its last field,
        the question (last user turn) of a chat or instruction row, or a text's first words."""
        from ..data.chat import prompt_of
        from ..data.formats import prompt_part, render_template
        from ..data.prepare import prepare
        from ..data.sources import read_source

        prepared = prepare(self.cfg)
        if self.template:
            part = prompt_part(self.template)
            df = read_source(self.cfg.data)
            seen = set(prepared.validation["text"])
            rows = [r for r in df.to_dict("records") if render_template(self.template, r) in seen][:n]
            return [render_template(part, r).rstrip() for r in rows]
        out = []
        for row in list(prepared.validation)[:n]:
            prompt = prompt_of(row)
            if isinstance(prompt, list):
                prompt = next((m["content"] for m in reversed(prompt) if m["role"] == "user"), "")
            elif prompt is None:
                prompt = " ".join(row["text"].split()[:4])
            elif self.summary.get("prompt_format") == "instruction":  # the plain layout: its instruction
                prompt = prompt.split("### Instruction:\n", 1)[-1].split("\n\n###", 1)[0]
            out.append(" ".join(str(prompt).split()))
        return out

    def _encode_prompt(self, prompt: str) -> Any:
        """Token ids for a typed prompt, laid out as the run's training rows were: a user turn
        under the chat template (with the system prompt, and the assistant header to answer
        after) or the plain instruction layout; a text prompt as it is."""
        from ..data.chat import add_system
        from ..data.chat_templates import PLAIN_PROMPT, layout_template

        d = self.cfg.data
        if self.is_chat:
            messages = add_system([{"role": "user", "content": prompt}], d.system_prompt)
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                     return_dict=True,
                                                     chat_template=layout_template(self.tokenizer, d.chat_template))
            return ids["input_ids"]
        if self.summary.get("prompt_format") == "instruction":
            prompt = PLAIN_PROMPT.format(instruction=prompt)
        ids = self.tokenizer(prompt, return_tensors="pt")["input_ids"]
        eos = self.tokenizer.eos_token_id
        if eos is not None and ids.shape[1] > 1 and int(ids[0, -1]) == eos:
            ids = ids[:, :-1]  # an unfinished prompt must not end with end-of-sequence
        return ids

    def _gen_kwargs(self, gen: Any) -> dict[str, Any]:
        kw = dict(max_new_tokens=gen.max_new_tokens, do_sample=gen.do_sample,
                  repetition_penalty=gen.repetition_penalty, pad_token_id=self.tokenizer.pad_token_id,
                  eos_token_id=self.tokenizer.eos_token_id)
        if gen.do_sample:
            kw.update(temperature=gen.temperature, top_p=gen.top_p, top_k=gen.top_k)
        return kw

    def generate(self, prompt: str, gen: Any = None) -> dict[str, str]:
        """Greedy (or sampled) continuations from both models with the same settings."""
        out = {}
        for side, text in self.stream(prompt, gen):
            out[side] = text
        return out

    def stream(self, prompt: str, gen: Any = None) -> Iterator[tuple[str, str]]:
        """Yield (side, text so far) as tokens are produced: base first, then fine-tuned."""
        import torch
        from transformers import TextIteratorStreamer, set_seed

        if self.task != "causal-lm":
            raise CompareError("this run is a classifier; use classify")
        if not prompt.strip():
            raise CompareError("type a prompt first")
        gen = gen or self.cfg.generate
        ids = self._encode_prompt(prompt)
        with self.lock:
            for side in ("base", "tuned"):
                ctx = self.as_base() if side == "base" else contextlib.nullcontext(self.tuned)
                with ctx as model:
                    # a chat prompt is markup (system turn, headers): show only the answer
                    streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=self.is_chat, skip_special_tokens=True)
                    set_seed(self.cfg.train.seed)
                    err: list[BaseException] = []

                    def work(model=model, streamer=streamer):
                        try:
                            with torch.no_grad():
                                model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                               streamer=streamer, **self._gen_kwargs(gen))
                        except BaseException as exc:  # surfaced below
                            err.append(exc)
                            streamer.end()

                    t = threading.Thread(target=work, daemon=True)
                    t.start()
                    text = ""
                    for piece in streamer:
                        text += piece
                        yield side, text
                    t.join()
                    if err:
                        raise CompareError(f"generation failed: {err[0]}")
                    yield side, text
