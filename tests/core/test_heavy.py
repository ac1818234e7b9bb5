"""core/heavy.py: the heavy libraries are imported once, so threads that start at once all get them."""

from core.paths import PROJECT_ROOT as ROOT  # the repository root


def test_threads_that_start_at_once_all_get_the_libraries():
    """transformers' lazy names are not thread-safe on first access; core.heavy imports them once."""
    import subprocess
    import sys

    code = """
import sys, threading
sys.path.insert(0, {root!r})
from core.heavy import ensure_loaded
errors = []
def use(name):
    try:
        ensure_loaded()
        import transformers
        getattr(transformers, name)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=use, args=(n,)) for n in
           ("Trainer", "AutoModelForSequenceClassification", "TrainingArguments", "Trainer")]
[t.start() for t in threads]; [t.join() for t in threads]
assert not errors, errors
""".format(root=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-1500:]
