"""The exported train.py's share of the data check's fixes: when ``data.drop_near_duplicates``,
``drop_conflicts`` or ``drop_leaked`` is on, the script drops the same rows as
core.data.prepare (same normalised key: lower case, runs of non-letters/digits as one space),
at the same points: the first two after cleaning, the last after the split."""

from __future__ import annotations

from ..config import RunConfig

KEY = '''

NOT_WORD = __import__("re").compile(r"[\\W_]+")


def norm_key(row):
    """A row's text (and second text) with case, punctuation and spacing ignored."""
    return "\\x1f".join(NOT_WORD.sub(" ", str(row[c]).lower()).strip() for c in ("text", "text_pair") if c in row)
'''


def fixes_code(cfg: RunConfig, is_cls: bool) -> tuple[str, str, str]:
    """(helper definitions, code after cleaning, code after the split); empty when no fix is on."""
    d = cfg.data
    conflicts = d.drop_conflicts and is_cls
    if not (d.drop_near_duplicates or conflicts or d.drop_leaked):
        return "", "", ""
    before = []
    if d.drop_near_duplicates:
        same = ' + "\\x1e" + std["label"]' if is_cls else ""
        before.append(f'std = std[~(std.apply(norm_key, axis=1){same}).duplicated()].reset_index(drop=True)'
                      "  # data.drop_near_duplicates")
    if conflicts:
        before.append('std = std[std.groupby(std.apply(norm_key, axis=1))["label"].transform("nunique") == 1]'
                      '.reset_index(drop=True)  # data.drop_conflicts: texts that also have another label')
    after = ""
    if d.drop_leaked:
        after = ('\nval_keys = {norm_key(r) for r in val_ds}\n'
                 'train_ds = train_ds.filter(lambda r: norm_key(r) not in val_keys)  # data.drop_leaked')
    return KEY, "".join("\n" + line for line in before), after
