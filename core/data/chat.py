"""Instruction and chat data as users have it: detect the format of a table and turn each row
into the columns TRL's SFTTrainer reads.

Formats (``data.prompt_format``; ``auto`` detects them in this order):

==================  =============================================  ==============================
format              columns                                        rows given to TRL
==================  =============================================  ==============================
template            any, filled into ``data.template``             ``text``
sharegpt            ``conversations``: [{from, value}, ...]        ``messages`` (roles mapped)
messages            ``messages``: [{role, content}, ...]           ``messages``
preference          prompt, chosen, rejected (strings or messages) ``prompt`` / ``chosen`` /
                    or chosen, rejected conversations only         ``rejected`` (train.objective dpo)
prompt_completion   prompt, completion                             ``prompt`` / ``completion``
instruction         instruction, optional input, output/response   ``prompt`` / ``completion``
text                one text column                                ``text``
==================  =============================================  ==============================

Conversations may come from jsonl, json or parquet, and from csv when a cell holds the JSON
list. A table that matches none raises a DataError naming the formats and the columns found.
Preference pairs are read only for ``train.objective`` dpo (TRL's DPOTrainer), and a dpo run
reads nothing else: each side of the mismatch gets a message naming the other objective.
Prompt/completion and instruction rows become chat messages (``data.chat_template`` model or
chatml: rendered by the chat template, the answer as the assistant turn) or plain strings
(plain: the "### Instruction / ### Response" layout). ``data.system_prompt`` goes first in every
row without a system message. With ``sft.last_turn_only`` a conversation becomes a
prompt/completion pair split at its last assistant turn, so only that answer is trained.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports stay lazy
    import pandas as pd

from ..config import DataConfig, SFTSettings
from .chat_templates import PLAIN_PROMPT, PLAIN_PROMPT_WITH_INPUT
from .sources import DataError

CONVERSATION_NAMES = ("messages", "conversations", "conversation", "chat", "dialogue", "dialog")
RESPONSE_NAMES = ("output", "response", "answer")
PREFERENCE_COLUMNS = ("prompt", "chosen", "rejected")
CHAT_FORMATS = ("sharegpt", "messages")
ANSWER_FORMATS = ("prompt_completion", "instruction")  # answer-only loss via the completion mask

# ShareGPT speakers (lower-cased) -> chat roles. TRL renames from/value to role/content but
# keeps the values, so "gpt" turns would never count as assistant turns.
ROLE_NAMES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "bot": "assistant",
              "model": "assistant", "chatgpt": "assistant", "system": "system"}
MESSAGE_ROLES = ("system", "user", "assistant")

FORMAT_HELP = ("a text column (text, content, ...), a {column} template (data.template), prompt + completion, "
               "instruction + output/response (Alpaca), conversations of from/value turns (ShareGPT) or "
               "messages of role/content (OpenAI style)")


@dataclass
class DetectedFormat:
    """The format a table is read as and the columns that play each part."""

    format: str
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def is_chat(self) -> bool:
        return self.format in CHAT_FORMATS


def _as_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _as_list(v: Any) -> Any:
    """A cell holding a conversation: a list (jsonl/json/parquet) or its JSON text (csv)."""
    if hasattr(v, "tolist"):  # parquet gives numpy arrays of dicts
        v = v.tolist()
    if isinstance(v, str) and v.lstrip().startswith("["):
        try:
            v = json.loads(v)
        except ValueError:
            return v
    return v


def _turn_keys(value: Any) -> set[str]:
    value = _as_list(value)
    if isinstance(value, list) and value and all(isinstance(t, dict) for t in value):
        return set().union(*(set(t) for t in value))
    return set()


def _conversation_column(df: "pd.DataFrame", data: DataConfig) -> str:
    cols = list(df.columns)
    if data.conversation_column.strip():
        name = data.conversation_column.strip()
        if name not in cols:
            raise DataError(f"conversation column {name!r} is not in the data; columns are: {', '.join(cols)}")
        return name
    lower = {c.lower(): c for c in cols}
    return next((lower[n] for n in CONVERSATION_NAMES if n in lower), "")


def _chat_kind(df: "pd.DataFrame", column: str) -> str:
    """sharegpt or messages, from the keys of the first non-empty conversation."""
    for value in df[column].head(20):
        keys = _turn_keys(value)
        if {"role", "content"} <= keys:
            return "messages"
        if {"from", "value"} <= keys:
            return "sharegpt"
        if isinstance(_as_list(value), str) and str(value).strip():
            raise DataError(f"column {column!r} holds text, not a list of turns; conversations need jsonl, json or "
                            "parquet, or a JSON list like [{\"role\": \"user\", \"content\": \"...\"}] in each csv cell")
    raise DataError(f"column {column!r} holds no conversation: expected lists of {{role, content}} (messages) or "
                    "{from, value} (ShareGPT) turns")


def _preference_columns(df: "pd.DataFrame") -> dict[str, str]:
    """The prompt/chosen/rejected columns of a preference table ({} when it is not one); an
    implicit-prompt table (chosen and rejected conversations only) has no prompt column."""
    lower = {str(c).lower(): str(c) for c in df.columns}
    if "chosen" not in lower or "rejected" not in lower:
        return {}
    cols = {k: lower[k] for k in PREFERENCE_COLUMNS if k in lower}
    if "prompt" not in cols and not _turn_keys(df[cols["chosen"]].iloc[0] if len(df) else None):
        return {}  # chosen/rejected strings need a prompt to answer
    return cols


def detect_format(df: "pd.DataFrame", data: DataConfig, objective: str = "sft") -> DetectedFormat:
    """The format ``df`` is read as (``data.prompt_format``, or detected under auto);
    ``objective`` is ``train.objective``: dpo reads preference pairs and nothing else."""
    cols = [str(c) for c in df.columns]
    lower = {c.lower(): c for c in cols}
    fmt = data.prompt_format
    pairs = _preference_columns(df)
    if objective == "dpo":
        if not pairs:
            raise DataError("train.objective dpo trains on preference pairs: columns prompt, chosen and rejected "
                            "(strings, or lists of role/content messages), or chosen and rejected conversations; "
                            f"columns are: {', '.join(cols)}. For this data use train.objective sft")
        return DetectedFormat("preference", pairs)
    if fmt == "template" or (fmt == "auto" and data.template.strip()):
        return DetectedFormat("template")
    if fmt in ("auto", *CHAT_FORMATS):
        column = _conversation_column(df, data)
        if column:
            kind = _chat_kind(df, column)
            if fmt != "auto" and fmt != kind:
                raise DataError(f"data.prompt_format is {fmt} but column {column!r} holds "
                                f"{'role/content' if kind == 'messages' else 'from/value'} turns ({kind}); "
                                f"set prompt_format to {kind} or auto")
            return DetectedFormat(kind, {"conversation": column})
        if fmt != "auto":
            raise DataError(f"data.prompt_format is {fmt} but no conversation column was found; columns are: "
                            f"{', '.join(cols)}. Set data.conversation_column")
    if fmt == "auto" and pairs:
        raise DataError("these rows are preference pairs (prompt, chosen, rejected), which train with DPO, not "
                        "supervised fine-tuning: set train.objective dpo (the Method tab's objective), or for SFT "
                        "use prompt/completion, instruction or chat data")
    if fmt in ("auto", "prompt_completion"):
        if "prompt" in lower and "completion" in lower:
            return DetectedFormat("prompt_completion", {"prompt": lower["prompt"], "completion": lower["completion"]})
        if fmt == "prompt_completion":
            raise DataError(f"prompt_format prompt_completion needs columns 'prompt' and 'completion'; columns are: "
                            f"{', '.join(cols)}")
    if fmt in ("auto", "instruction"):
        instruction = data.instruction_column.strip()
        response = data.response_column.strip() or next((lower[n] for n in RESPONSE_NAMES if n in lower), "")
        if instruction in cols and response in cols:
            extra = data.input_column.strip()
            return DetectedFormat("instruction", {"instruction": instruction, "response": response,
                                                  **({"input": extra} if extra in cols and extra != instruction
                                                     else {})})
        if fmt == "instruction":
            missing = [c for c in (instruction, response or "output/response") if c not in cols]
            raise DataError(f"prompt_format instruction needs column(s) {', '.join(map(repr, missing))}; columns "
                            f"are: {', '.join(cols)}. Set data.instruction_column / data.response_column")
    if fmt in ("auto", "text"):
        from .roles import TEXT_NAMES, detect_roles

        if fmt == "auto" and not data.text_column.strip():
            named = [lower[n] for n in TEXT_NAMES if n in lower]
            strings = [c for c in cols if df[c].dtype == object or str(df[c].dtype).startswith("str")]
            if not named and len(strings) != 1:
                raise DataError(f"can't tell how to train on these columns ({', '.join(cols)}); use {FORMAT_HELP}, "
                                "or set data.text_column or data.prompt_format")
        try:
            roles = detect_roles(df, data, "causal-lm")
        except DataError:
            raise DataError(f"no text to train on in these columns ({', '.join(cols)}); use {FORMAT_HELP}") from None
        return DetectedFormat("text", {"text": roles.text})
    raise DataError(f"unknown data.prompt_format {fmt!r}")  # pragma: no cover - the config validates it


# --------------------------------------------------------------------------- rows
def add_system(messages: list[dict], system: str) -> list[dict]:
    """A system message first, unless the conversation has one (an empty prompt adds none)."""
    if system.strip() and not (messages and messages[0]["role"] == "system"):
        return [{"role": "system", "content": system}, *messages]
    return list(messages)


def conversation(value: Any, kind: str, where: str) -> list[dict]:
    """A cell -> [{role, content}], ShareGPT speakers mapped; bad turns raise DataError."""
    turns = _as_list(value)
    if not isinstance(turns, list) or not all(isinstance(t, dict) for t in turns):
        raise DataError(f"{where}: expected a list of turns, got {type(turns).__name__}")
    out = []
    for i, t in enumerate(turns):
        if kind == "sharegpt":
            speaker = str(t.get("from", "")).strip().lower()
            role = ROLE_NAMES.get(speaker)
            if role is None:
                raise DataError(f"{where}, turn {i + 1}: unknown ShareGPT speaker {t.get('from')!r}; expected one "
                                f"of {', '.join(sorted(ROLE_NAMES))}")
            content = t.get("value")
        else:
            role = str(t.get("role", "")).strip().lower()
            if role not in MESSAGE_ROLES:
                raise DataError(f"{where}, turn {i + 1}: unknown role {t.get('role')!r}; expected "
                                f"{', '.join(MESSAGE_ROLES)}")
            content = t.get("content")
        out.append({"role": role, "content": _as_text(content)})
    return out


def last_turn_split(messages: list[dict]) -> dict[str, list[dict]]:
    """Everything before the last assistant message is the prompt; that message is the
    completion (turns after it are dropped)."""
    idx = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
    return {"prompt": list(messages[:idx]), "completion": [messages[idx]]}


def sft_row(record: dict[str, Any], detected: DetectedFormat, data: DataConfig, sft: SFTSettings,
            template_fill: Any = None, where: str = "row") -> dict[str, Any] | None:
    """One source row -> the columns TRL reads; None for a row with nothing to train on
    (an empty text or answer, a conversation without an assistant turn)."""
    cols, chat = detected.columns, data.chat_template != "plain"
    fmt = detected.format
    if fmt == "preference":
        return preference_row(record, cols, data, where)
    if fmt == "text":
        text = _as_text(record.get(cols["text"]))
        return {"text": text} if text.strip() else None
    if fmt == "template":
        text = template_fill(record)
        return {"text": text} if text.strip() else None
    if fmt in CHAT_FORMATS:
        msgs = conversation(record.get(cols["conversation"]), fmt, where)
        if not any(m["role"] == "assistant" and m["content"].strip() for m in msgs):
            return None
        msgs = add_system(msgs, data.system_prompt)
        return last_turn_split(msgs) if sft.last_turn_only else {"messages": msgs}
    if fmt == "prompt_completion":
        user, answer = _as_text(record.get(cols["prompt"])), _as_text(record.get(cols["completion"]))
        plain = {"prompt": user, "completion": answer}
    else:  # instruction
        instruction = _as_text(record.get(cols["instruction"])).strip()
        extra = _as_text(record.get(cols.get("input", ""), "")).strip() if "input" in cols else ""
        answer = _as_text(record.get(cols["response"]))
        user = instruction + (f"\n\n{extra}" if extra else "")
        layout = PLAIN_PROMPT_WITH_INPUT if extra else PLAIN_PROMPT
        plain = {"prompt": layout.format(instruction=instruction, input=extra), "completion": answer}
    if not user.strip() or not answer.strip():
        return None
    if not chat:
        if data.system_prompt.strip():
            plain["prompt"] = data.system_prompt.strip() + "\n\n" + plain["prompt"]
        return plain
    return {"prompt": add_system([{"role": "user", "content": user}], data.system_prompt),
            "completion": [{"role": "assistant", "content": answer}]}


def _side(value: Any, where: str, role: str = "assistant") -> list[dict] | str:
    """One side of a pair: a message list as it is, a string as one ``role`` turn."""
    turns = _as_list(value)
    if isinstance(turns, list):
        return conversation(turns, "messages", where)
    return [{"role": role, "content": _as_text(value)}]


def preference_row(record: dict[str, Any], cols: dict[str, str], data: DataConfig,
                   where: str = "row") -> dict[str, Any] | None:
    """One pair -> TRL's conversational preference row (prompt messages, chosen and rejected
    assistant turns), or with ``data.chat_template`` plain the three strings as they are (TRL then
    tokenizes them raw and ends each answer with EOS). None when an answer or the prompt is empty,
    or both answers are the same (nothing to prefer)."""
    chosen, rejected = record.get(cols["chosen"]), record.get(cols["rejected"])
    if "prompt" not in cols:  # implicit prompt: the turns both conversations share
        c, r = _side(chosen, where), _side(rejected, where)
        n = 0
        while n < min(len(c), len(r)) - 1 and c[n] == r[n]:
            n += 1
        prompt, c, r = c[:n], c[n:], r[n:]
    else:
        prompt = record.get(cols["prompt"])
        if data.chat_template == "plain" and not isinstance(_as_list(prompt), list):
            row = {"prompt": _as_text(prompt), "chosen": _as_text(chosen), "rejected": _as_text(rejected)}
            if data.system_prompt.strip():
                row["prompt"] = data.system_prompt.strip() + "\n\n" + row["prompt"]
            ok = all(v.strip() for v in row.values()) and row["chosen"] != row["rejected"]
            return row if ok else None
        prompt, c, r = _side(prompt, where, "user"), _side(chosen, where), _side(rejected, where)
    texts = [" ".join(m["content"] for m in side) for side in (prompt, c, r)]
    if not all(t.strip() for t in texts) or c == r:
        return None
    return {"prompt": add_system(prompt, data.system_prompt), "chosen": c, "rejected": r}


def row_key(row: dict[str, Any]) -> str:
    """A row's identity for dropping duplicates."""
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def flat_row(row: dict[str, Any]) -> tuple[str, int]:
    """(plain text, where the answer starts in it; -1 when the row has no answer part): the
    tokenizer-free rendering of a TRL row that the cleaning and the data check read (duplicates,
    near-duplicates, short rows, answers that max_length would cut)."""
    if "text" in row:
        return str(row["text"]), -1
    if "chosen" in row:  # a preference pair: the prompt, the chosen answer (checked), the rejected one
        prompt = [f"{m['role']}: {m['content']}" for m in row["prompt"]] if isinstance(row["prompt"], list) \
            else [str(row["prompt"])]
        side = (lambda v: " ".join(m["content"] for m in v) if isinstance(v, list) else str(v))
        head = "\n".join(prompt) + "\nchosen: "
        return head + side(row["chosen"]) + "\nrejected: " + side(row["rejected"]), len(head)
    messages = row_messages(row)
    if messages is None:  # prompt/completion strings
        prompt = str(row["prompt"])
        return prompt + str(row["completion"]), len(prompt)
    lines, start = [], -1
    for i, m in enumerate(messages):
        head = f"{m['role']}: "
        if start < 0 and m["role"] == "assistant" and ("completion" not in row or i >= len(row["prompt"])):
            start = sum(len(x) + 1 for x in lines) + len(head)
        lines.append(head + str(m["content"]))
    return "\n".join(lines), start


def row_messages(row: dict[str, Any]) -> list[dict] | None:
    """The conversation of a TRL row (prompt + completion joined; a preference pair: its chosen
    side), None for string rows."""
    if "messages" in row:
        return list(row["messages"])
    if isinstance(row.get("prompt"), list):
        return list(row["prompt"]) + list(row["completion"] if "completion" in row else row["chosen"])
    return None


def prompt_of(row: dict[str, Any]) -> Any:
    """What is given to the model to answer: the prompt messages (or string), or for a
    conversation everything before its last assistant turn."""
    if "prompt" in row:
        return row["prompt"]
    if "messages" in row:
        return last_turn_split(row["messages"])["prompt"]
    return None


def render_text(tokenizer: Any, row: dict[str, Any], template: str | None, add_eos: bool = True) -> str:
    """The row exactly as the model sees it in training: the chat template applied with the
    special tokens written out, or the plain strings with the end-of-sequence token TRL adds."""
    msgs = row_messages(row)
    if msgs is not None:
        if template is None:
            raise DataError("chat rows need a chat template (data.chat_template model or chatml)")
        return tokenizer.apply_chat_template(msgs, tokenize=False, chat_template=template)
    eos = tokenizer.eos_token or ""
    if "text" in row:
        return row["text"] + (eos if add_eos and not row["text"].endswith(eos) else "")
    completion = row["completion"] if "completion" in row else row["chosen"]
    return row["prompt"] + completion + ("" if completion.endswith(eos) else eos)
