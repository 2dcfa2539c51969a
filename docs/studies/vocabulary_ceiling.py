"""Round 8's feasibility study (docs/review.md, *Batch 10*), not part of the bot: can a plain
text model trained on the other batches rank a held-out batch? TF-IDF word / character n-grams
and a class-balanced logistic regression (real messages weighted 2), each of batches 7-10 held
out in turn: AUC per batch, and of its real messages alone.

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn
    /tmp/skl/bin/python docs/studies/vocabulary_ceiling.py tests/data/outreach_corpus.jsonl 1

The last argument is the regularisation C (the study ran 1, 0.3 and 10). Batches above 10 are
left out, as they were when it ran. scikit-learn is needed only here.

    /tmp/skl/bin/python docs/studies/vocabulary_ceiling.py tests/data/outreach_corpus.jsonl 1 frozen

With `frozen` it is round 10's check instead: trained on the whole pool, scored on the frozen
split (batches 12 and 13 when it ran), each batch alone and together.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline, make_union


def model(kind: str, c: float) -> Any:
    word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    vectors = {"word": word, "char": char, "both": make_union(word, char)}[kind]
    return make_pipeline(vectors, LogisticRegression(C=c, class_weight="balanced", max_iter=2000))


def auc_line(fitted: Any, name: str, test: list[dict[str, Any]]) -> str:
    """"b12 0.743 real 0.727": the AUC of `fitted` on `test`, and on its real messages."""
    p = fitted.predict_proba([r["text"] for r in test])[:, 1]
    y = [r["label"] == "good" for r in test]
    real = [i for i, r in enumerate(test) if r["evidence"] == "outcome"]
    return (f"{name} {roc_auc_score(y, p):.3f} real "
            f"{roc_auc_score([y[i] for i in real], [p[i] for i in real]):.3f}")


def fit(kind: str, c: float, train: list[dict[str, Any]]) -> Any:
    return model(kind, c).fit(
        [r["text"] for r in train], [r["label"] == "good" for r in train],
        logisticregression__sample_weight=[
            2.0 if r["evidence"] == "outcome" else 1.0 for r in train])


def frozen(rows: list[dict[str, Any]], c: float) -> None:
    train = [r for r in rows if r["split"] != "frozen"]
    test = [r for r in rows if r["split"] == "frozen"]
    for kind in ("word", "char", "both"):
        fitted = fit(kind, c, train)
        out = [auc_line(fitted, f"b{b}", [r for r in test if r["batch"] == b])
               for b in sorted({r["batch"] for r in test})]
        sys.stdout.write(f"{kind} {' | '.join([*out, auc_line(fitted, 'all', test)])}\n")


def main(path: str, c: float, mode: str = "batches") -> None:
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if mode == "frozen":
        frozen(rows, c)
        return
    for kind in ("word", "char", "both"):
        out = []
        for batch in (7, 8, 9, 10):
            train = [r for r in rows if r["batch"] != batch and r["batch"] <= 10]
            test = [r for r in rows if r["batch"] == batch]
            out.append(auc_line(fit(kind, c, train), f"b{batch}", test))
        sys.stdout.write(f"{kind} {' | '.join(out)}\n")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0, *sys.argv[3:4])
