"""States a newcomer meets in the first minutes, driven through the API of one real app (the
module's server, shared by the Data, Tokenize and Train tabs' checks): the Data tab's column
choices follow the table even when events race, a one-column file says what it lacks, the Train
tab's ready line describes the chosen data, and "One batch" opens on the strategy the run will
use. (A reload during a run: test_session_events.py.)"""

from __future__ import annotations

import pytest

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

# ui/data/wiring.refresh_outputs: summary, in_use, table, text, pair, label, roles note, ...
TEXT, PAIR, LABEL, ROLES_NOTE = 3, 4, 5, 6


def value(update):
    return update.get("value") if isinstance(update, dict) else update


def test_a_column_left_from_the_previous_table_is_detected_again(app_server):
    """Choose "quotes" and press Load data at once: the click still carries sentiment's
    columns ("text", "label"). They reach the handler (no "not in the list of choices"
    refusal) and quotes' own columns are detected and offered together with their values."""
    c = Client(app_server.url, verbose=False)
    out = c.predict(data_source="bundled", bundled_dataset="quotes", text_column="text", label_column="label",
                    api_name="/load_data")
    assert "340 rows" in out[0]
    assert (value(out[TEXT]), value(out[LABEL])) == ("quote", "author")
    assert {"quote", "author"} <= {v for _, v in out[TEXT]["choices"]}
    assert "Learning to predict" in out[ROLES_NOTE]
    # the next event, with those values, is accepted as well
    again = c.predict(data_source="bundled", bundled_dataset="quotes", text_column="quote",
                      label_column="author", api_name="/load_data")
    assert (value(again[TEXT]), value(again[LABEL])) == ("quote", "author")


def test_a_two_line_text_file_says_it_lacks_a_label_and_rows(app_server, tmp_path):
    c = Client(app_server.url, verbose=False)
    txt = tmp_path / "two.txt"
    txt.write_text("I love this\nthis is awful\n")
    out = c.predict(file=handle_file(str(txt)), api_name="/upload_data")[1:]  # [0] is the source radio
    note = out[ROLES_NOTE]
    assert value(out[TEXT]) == "text" and value(out[LABEL]) == ""
    assert "label" in note and "one column (text)" in note and "only 2 rows" in note
    assert "could not find a text column" not in note


def test_the_ready_line_describes_the_chosen_data_and_model(app_server, tmp_path):
    c = Client(app_server.url, verbose=False)
    mine = tmp_path / "mine.csv"
    mine.write_text("text,label\n" + "".join(f"row {i},{'ab'[i % 2]}\n" for i in range(40)))
    c.predict(file=handle_file(str(mine)), api_name="/upload_data")
    _plan, status = c.predict(data_source="upload", api_name="/plan_training")
    assert "mine.csv" in status and "40 rows" in status and "LoRA adapters" in status, status
    assert "bundled" not in status
    _plan, status = c.predict(data_source="upload", method="full", api_name="/plan_training")
    assert "every weight of" in status and "mine.csv" in status


def test_one_batch_shows_the_strategy_the_run_will_use(app_server):
    """A causal LM run packs (padding auto): the "One batch" picture opens on packing, not on
    length-grouped batches; a strategy picked above the picture is shown when asked for."""
    c = Client(app_server.url, verbose=False)
    causal = dict(data_source="bundled", bundled_dataset="quotes", task="causal-lm", name_or_path="starter:tiny-gpt2",
                  method="full", max_length=64)
    c.predict(**causal, api_name="/load_data")
    comparison, _plot, _grid, strategy = c.predict(grid_strategy="group_by_length", **causal,
                                                   api_name="/padding_stats")
    assert value(strategy) == "packing" and "packing" in {v for _, v in strategy["choices"]}
    table = value(comparison)
    assert any("packing" in row[0] and "✓ training" in row[0] for row in table["data"]), table
    # classification (group_by_length on auto) never offers packing
    _c, _p, _g, strategy = c.predict(grid_strategy="packing", data_source="bundled", bundled_dataset="sentiment",
                                     task="sequence-classification", name_or_path="starter:all-MiniLM-L6-v2",
                                     method="lora", api_name="/padding_stats")
    assert value(strategy) == "group_by_length" and "packing" not in {v for _, v in strategy["choices"]}
