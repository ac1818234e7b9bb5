"""Show the code of a sweep: a standalone ``sweep.py`` that runs the exported ``train.py``
once per point and picks the best, with no import of this project.

The script holds the base settings' train.py (exactly what core.results.codegen writes) and,
for each point, the few lines of it that differ for that point (found by diffing the point's
own rendered script against the base one, so any RunConfig field can vary). Each point's
script is written to ``sweep/point-NN/train.py`` and run there; its ``log_history.json``
gives the point's best validation metric.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..config import RunConfig


def line_edits(base: str, other: str) -> list[tuple[str, str]] | None:
    """(old, new) blocks that turn ``base`` into ``other`` by ``str.replace``, each ``old``
    occurring exactly once in ``base``; None when no such short list exists."""
    a, b = base.splitlines(keepends=True), other.splitlines(keepends=True)
    blocks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # Widen into the unchanged lines below (then above) until the old block is unique.
        while i2 == i1 or base.count("".join(a[i1:i2])) != 1:
            if i2 < len(a) and j2 < len(b) and a[i2] == b[j2]:
                i2, j2 = i2 + 1, j2 + 1
            elif i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1]:
                i1, j1 = i1 - 1, j1 - 1
            else:
                return None
        if blocks and i1 <= blocks[-1][1]:
            blocks[-1][1], blocks[-1][3] = max(blocks[-1][1], i2), max(blocks[-1][3], j2)
        else:
            blocks.append([i1, i2, j1, j2])
    edits = [("".join(a[i1:i2]), "".join(b[j1:j2])) for i1, i2, j1, j2 in blocks]
    text = base
    for old, new in edits:
        if text.count(old) != 1:
            return None
        text = text.replace(old, new)
    return edits if text == other else None


def _literal(text: str) -> str:
    if "'''" not in text and not text.endswith("\\"):
        return "r'''" + text + "'''"
    return repr(text)


def render_sweep_script(base: RunConfig, spec: Any) -> str:
    """sweep.py for ``spec`` (a core.train.sweep.SweepSpec) around ``base``."""
    from ..train.arguments import best_metric
    from ..train.sweep import describe, expand, greater_is_better
    from .codegen import render_script

    points = expand(base, spec, "point")
    base_script = render_script(base)
    rendered = []
    for p in points:
        script = render_script(p.cfg)
        edits = line_edits(base_script, script)
        rendered.append((p, edits if edits is not None else [(base_script, script)]))
    keys = list(dict.fromkeys(k.split(".", 1)[1] for p in points for k in p.settings))
    metric = best_metric(base)
    greater = greater_is_better(base)
    point_lines = []
    for p, edits in rendered:
        body = "".join(f"\n         ({old!r},\n          {new!r})," for old, new in edits)
        point_lines.append(f"    {{\"settings\": {p.settings!r},  # {describe(p.settings)}\n"
                           f"     \"edits\": [{body}\n     ]}},")
    return f'''"""Hyperparameter sweep exported by Fine-Tune Studio.

{len(points)} points over {", ".join(keys)}: the same train.py run once per point with
those settings changed. Run it with:  python sweep.py   from the folder you would run
train.py in (its data path is relative to it); it needs what train.py needs.
Each point gets sweep/point-NN/ with its own train.py and trained model; the table at the
end lists every point's best {metric} ({"higher" if greater else "lower"} is better) and names the best point.
"""

import json
import os
import subprocess
import sys

SWEEP_DIR = os.environ.get("SWEEP_DIR", "sweep")
METRIC = {metric!r}  # train.metric_for_best_model, as the Trainer logs it
GREATER_IS_BETTER = {greater!r}

# train.py for the base settings (what `python -m core script` writes for them).
TRAIN_PY = {_literal(base_script)}

# Each point: its settings, and the lines of TRAIN_PY that differ for it (old -> new).
POINTS = [
{chr(10).join(point_lines)}
]


def script_for(point):
    text = TRAIN_PY
    for old, new in point["edits"]:
        assert text.count(old) == 1, f"this edit no longer matches train.py: {{old!r}}"
        text = text.replace(old, new)
    return text


def best_of(history):
    """The best value of METRIC over the evaluations the Trainer logged during and after training."""
    values = [h[METRIC] for h in history if isinstance(h.get(METRIC), (int, float))]
    if not values:
        return None
    return max(values) if GREATER_IS_BETTER else min(values)


results = []
for i, point in enumerate(POINTS, start=1):
    folder = os.path.join(SWEEP_DIR, f"point-{{i:02d}}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "train.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(script_for(point))
    print(f"=== point {{i}}/{{len(POINTS)}}: {{point['settings']}}", flush=True)
    ok = subprocess.run([sys.executable, path], env={{**os.environ, "OUTPUT_DIR": folder}}).returncode == 0
    try:
        with open(os.path.join(folder, "log_history.json"), encoding="utf-8") as fh:
            history = json.load(fh)
    except (OSError, ValueError):
        history = []
    results.append((i, point["settings"], ok, best_of(history)))

print(f"\\n{{'point':>5}}  {{'status':8}}  {{METRIC:>12}}  settings")
for i, settings, ok, best in results:
    shown = "-" if best is None else f"{{best:.4f}}"
    print(f"{{i:>5}}  {{'finished' if ok else 'failed':8}}  {{shown:>12}}  {{settings}}")
scored = [r for r in results if r[3] is not None]
if scored:
    top = (max if GREATER_IS_BETTER else min)(scored, key=lambda r: r[3])
    print(f"best: point {{top[0]}} ({{top[1]}}) with {{METRIC}} {{top[3]:.4f}}; its model is in "
          f"{{os.path.join(SWEEP_DIR, f'point-{{top[0]:02d}}', 'final')}}")
'''
