"""Many users at once (shared mode): 5 concurrent sessions preview data and tokens while 2
of them train; one trains, the other waits its turn in the queue and then trains; every
request is answered without error and no session sees another's run."""

from __future__ import annotations

import threading
import time

from gradio_client import Client

from ui.common import Session, end_session

TINY = dict(max_rows=80, max_length=32, max_steps=4, eval_strategy="no", save_strategy="no", logging_steps=1)


def test_five_sessions_two_trainers(app_factory):
    server = app_factory("--mode", "shared")
    clients = [Client(server.url, verbose=False) for _ in range(5)]
    errors: list[str] = []
    answered = [0] * 5

    def browse(i: int, c: Client, rounds: int) -> None:
        for r in range(rounds):
            try:
                c.predict(data_source="bundled", bundled_dataset=["sentiment", "paraphrase"][(i + r) % 2],
                          api_name="/load_data")
                c.predict(example=r, max_length=32, max_rows=80, api_name="/tokenize_preview")
                answered[i] += 2
            except Exception as exc:  # every request must be answered
                errors.append(f"client {i}: {type(exc).__name__}: {exc}")

    first = clients[0].predict(**TINY, api_name="/start_training")
    second = clients[1].predict(**TINY, api_name="/start_training")
    assert first and second
    s0 = clients[0].predict(api_name="/training_status")
    s1 = clients[1].predict(api_name="/training_status")
    assert s0["run"] != s1["run"]
    if s0["status"] in ("queued", "running"):  # one trains, the other waits its turn
        assert s1["status"] == "queued" and s1["queue_position"] >= 1, s1
    threads = [threading.Thread(target=browse, args=(i, c, 3)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert all(n == 6 for n in answered)

    deadline = time.time() + 600
    while time.time() < deadline:
        s0 = clients[0].predict(api_name="/training_status")
        s1 = clients[1].predict(api_name="/training_status")
        if s0["status"] in ("finished", "failed") and s1["status"] in ("finished", "failed"):
            break
        time.sleep(2)
    assert s0["status"] == "finished" and s1["status"] == "finished", (s0, s1)
    # the three browsers that never trained see no run at all — not someone else's
    for c in clients[2:]:
        assert not c.predict(api_name="/training_status").get("run")


def test_ending_a_shared_session_deletes_its_uploads(tmp_path, monkeypatch):
    from core.paths import uploads_dir

    s = Session()
    folder = uploads_dir() / s.owner()
    folder.mkdir(parents=True)
    (folder / "mine.csv").write_text("text,label\na,b\n")
    end_session(s, shared=False)
    assert folder.exists()  # local mode keeps uploads
    end_session(s, shared=True)
    assert not folder.exists()
