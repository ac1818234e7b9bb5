"""A tiny chat model for fast tests: a ~600-token byte-level BPE tokenizer with ChatML special
tokens and a SmolLM2-style chat template, and a random 2-layer Llama (GQA: 4 query heads,
2 key/value heads, so the GGUF permutation of q and k differs). Built in about a second;
GGUF readers parse every token in Python, so a small vocabulary keeps round trips fast."""

from __future__ import annotations

import functools
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = "You are a helpful assistant named Tiny."
# Validation-style (prompt, reference answer) pairs: chat turns and a plain prompt.
PAIRS = [([{"role": "user", "content": "What is inflation?"}], "Prices rise over time."),
         ([{"role": "user", "content": "Hello there, how are you today?"}], "I am fine, thanks."),
         ("Summarise: the team missed the playoffs.", " Injuries cost them.")]
# SmolLM2-Instruct's template, with its own default system prompt (the Modelfile copies it)
CHATML = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\n" + SYSTEM + "<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def _corpus() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "assets/data/instructions.jsonl").read_text().splitlines() if line]
    text = [f"{r['instruction']} {r['response']}" for r in rows]
    return text + ["system user assistant " + SYSTEM, "Hello there, how are you today? I am fine, thanks."] * 10


@functools.lru_cache(maxsize=1)
def _tokenizer_json() -> str:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tk.train_from_iterator(_corpus(), trainer)
    return tk.to_str()


def chat_tokenizer():
    """A fresh tokenizer each call (tests may change it): bos <|im_start|>, eos = pad = <|im_end|>."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(_tokenizer_json()), bos_token="<|im_start|>",
                                  eos_token="<|im_end|>", pad_token="<|im_end|>", unk_token="<|endoftext|>")
    tok.chat_template = CHATML
    return tok


def tiny_llama(tokenizer, *, vocab_size=None, tie=True, seed=0, layers=2, hidden=64, heads=4, kv_heads=2, **extra):
    """A random LlamaForCausalLM; initializer_range 0.2 makes its logits peaked, so greedy
    choices are not near-ties that float rounding could flip."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(vocab_size=vocab_size or len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden,
                      num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=kv_heads,
                      max_position_embeddings=512, tie_word_embeddings=tie, rope_theta=50000.0, rms_norm_eps=1e-5,
                      initializer_range=0.2, bos_token_id=tokenizer.bos_token_id,
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, **extra)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return LlamaForCausalLM(cfg).eval()


def save_tiny_chat_model(folder: Path, **kw) -> Path:
    """The tiny Llama and its tokenizer as a model folder a RunConfig can name."""
    tok = chat_tokenizer()
    model = tiny_llama(tok, **kw)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def random_lora(model, seed=3):
    """A LoRA with random A and B (init_lora_weights=False), so it changes the answers."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    return get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                                            init_lora_weights=False)).eval()
