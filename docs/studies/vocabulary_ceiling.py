"""Round 8's feasibility study (docs/review.md, *Batch 10*), not part of the bot: can a plain
text model trained on the other batches rank a held-out batch? TF-IDF word / character n-grams
and a class-balanced logistic regression (real messages weighted 2), each of batches 7-10 held
out in turn: AUC per batch, and of its real messages alone.

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn
    /tmp/skl/bin/python docs/studies/vocabulary_ceiling.py tests/data/outreach_corpus.jsonl 1

The last argument is the regularisation C (the study ran 1, 0.3 and 10). Batches above 10 are
left out, as they were when it ran. scikit-learn is needed only here.
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


def main(path: str, c: float) -> None:
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for kind in ("word", "char", "both"):
        out = []
        for batch in (7, 8, 9, 10):
            train = [r for r in rows if r["batch"] != batch and r["batch"] <= 10]
            test = [r for r in rows if r["batch"] == batch]
            fitted = model(kind, c).fit(
                [r["text"] for r in train], [r["label"] == "good" for r in train],
                logisticregression__sample_weight=[
                    2.0 if r["evidence"] == "outcome" else 1.0 for r in train])
            p = fitted.predict_proba([r["text"] for r in test])[:, 1]
            y = [r["label"] == "good" for r in test]
            real = [i for i, r in enumerate(test) if r["evidence"] == "outcome"]
            out.append(f"b{batch} {roc_auc_score(y, p):.3f} real "
                       f"{roc_auc_score([y[i] for i in real], [p[i] for i in real]):.3f}")
        sys.stdout.write(f"{kind} {' | '.join(out)}\n")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
