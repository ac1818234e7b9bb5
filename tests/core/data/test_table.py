"""core/data/table.py: the Data tab's table preview (roles, label counts, the rendered template) of
the bundled sets, and a missing column reported rather than raised."""

from __future__ import annotations

from core.cache import PreviewCache
from core.config import STARTER_TINY_GPT2, RunConfig
from core.data.table import PREVIEW_ROWS, table_preview


def test_table_preview_of_the_bundled_sets():
    cfg = RunConfig()
    cache = PreviewCache()
    table = cache.table(cfg)
    assert cache.table(cfg) is table  # cached
    p = table_preview(cfg, table)
    assert (p.roles.text, p.roles.label, p.n_rows) == ("text", "label", 420)
    assert p.label_counts == {"negative": 210, "positive": 210}
    assert len(p.head) == PREVIEW_ROWS and not p.roles_error

    quotes = RunConfig().replace(model={"task": "causal-lm", "name_or_path": STARTER_TINY_GPT2},
                                 data={"path": "assets/data/quotes.csv", "template": "Quote by {author}: {quote}"})
    q = table_preview(quotes, cache.table(quotes))
    assert q.prompt_format == "template" and q.rendered.startswith("Quote by ")
    bad = quotes.replace(data={"template": "{nope}: {quote}"})
    assert "nope" in table_preview(bad, cache.table(bad)).template_error

    pairs = RunConfig().replace(data={"path": "assets/data/paraphrase.csv"})
    pp = table_preview(pairs, cache.table(pairs))
    assert (pp.roles.text, pp.roles.text_pair, pp.roles.label) == ("sentence1", "sentence2", "label")
    assert list(pp.label_counts) == ["0", "1"]


def test_a_missing_label_is_reported_not_raised():
    cfg = RunConfig().replace(data={"path": "assets/data/quotes.csv", "label_column": "stars"})
    p = table_preview(cfg, PreviewCache().table(cfg))
    assert "stars" in p.roles_error and p.roles.text == "quote"
