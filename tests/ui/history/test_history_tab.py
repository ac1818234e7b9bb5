"""ui/history.py: the History table shows generation-score columns only when a run has them."""


def test_history_shows_score_columns_only_when_a_run_has_them():
    from core.results.causal_report import score_cells
    from ui.history import metrics_frame

    report = {"generation": {"base": {"rouge_l": 0.1, "chrf": 20.0, "answer_perplexity": 9.0},
                             "final": {"rouge_l": 0.4, "chrf": 45.5, "answer_perplexity": 3.0}},
              "forgetting": {"ppl_base": 20.0, "ppl_final": 21.0, "change": 0.05}}
    assert score_cells(report) == {"ROUGE-L": "0.100 → 0.400", "chrF": "20.0 → 45.5", "answer ppl": "9.00 → 3.00",
                                   "general ppl": "20.0 → 21.0 (+5%)"}
    assert score_cells({"generation": {"base": {}, "final": {}}}) == {}
    rows = [{"name": "a", "path": "/nonexistent", **report}, {"name": "b", "path": "/nonexistent"}]
    frame = metrics_frame(rows)
    assert list(frame["chrF"]) == ["20.0 → 45.5", "–"] and "general ppl" in frame.columns
    assert "chrF" not in metrics_frame(rows[1:]).columns
