#!/usr/bin/env python3
"""Bench: scikit-learn's TfidfVectorizer + LogisticRegression against pipe's TypeScript baseline,
on the same date split of the mirror's arXiv papers, with the same params. Prints fit time
(vectorize + train) and val/test accuracy and macro-F1 for both."""
import argparse, collections, csv, gzip, json, os, subprocess, sys, tempfile, time

csv.field_size_limit(10**9)


def build_split(mirror, out):
    rows = {"train": [], "val": [], "test": []}
    with gzip.open(os.path.join(mirror, "arxiv/arxiv-papers.csv.gz"), "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            p = r["published"]
            s = "train" if p < "2023-01-01" else ("val" if p < "2024-01-01" else "test")
            rows[s].append({"id": r["id"], "title": r["title"], "summary": r["summary"], "published": p, "label": r["primary_category"]})
    counts = collections.Counter(r["label"] for r in rows["train"])
    labels = sorted(l for l, c in counts.items() if c >= 50)
    keep = set(labels)
    for s, rs in rows.items():
        rows[s] = [r for r in rs if r["label"] in keep]
        with open(os.path.join(out, s + ".jsonl"), "w", encoding="utf-8") as f:
            for r in rows[s]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(labels, f)
    return rows, labels


def run_sklearn(rows, labels, p):
    from scipy import optimize
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    # sklearn reports iterations only; its scipy call's result also counts function evaluations.
    minimize, nfev = optimize.minimize, []
    def counted(*args, **kwargs):
        res = minimize(*args, **kwargs)
        nfev.append(res.nfev)
        return res

    text = lambda rs: [r["title"] + " " + r["summary"] for r in rs]
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, p["ngram_max"]), sublinear_tf=True, min_df=p["min_df"], max_features=p["max_features"])
    x = vec.fit_transform(text(rows["train"]))
    t_vec = time.perf_counter() - t0
    clf = LogisticRegression(C=p["C"], max_iter=p["max_iter"], tol=p["tol"], solver="lbfgs")
    optimize.minimize = counted
    try:
        clf.fit(x, [r["label"] for r in rows["train"]])
    finally:
        optimize.minimize = minimize
    t_fit = time.perf_counter() - t0
    out = {"vectorize_s": t_vec, "fit_s": t_fit, "n_features": len(vec.vocabulary_), "iterations": int(clf.n_iter_[0]), "evals": sum(nfev)}
    for s in ("val", "test"):
        y = [r["label"] for r in rows[s]]
        pred = clf.predict(vec.transform(text(rows[s])))
        out[s] = {"accuracy": accuracy_score(y, pred), "f1_macro": f1_score(y, pred, average="macro", zero_division=0)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mirror", default=os.environ.get("PIPE_MIRROR", "../shared/mirror"))
    ap.add_argument("--ngram-max", type=int, default=2)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--max-features", type=int, default=100000)
    ap.add_argument("--C", type=float, default=10.0)
    ap.add_argument("--max-iter", type=int, default=100)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    p = {"ngram_max": a.ngram_max, "min_df": a.min_df, "max_features": a.max_features, "C": a.C, "max_iter": a.max_iter, "tol": a.tol}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="pipe-bench-") as tmp:
        rows, labels = build_split(a.mirror, tmp)
        load = [os.getloadavg()[0]]
        print(f"split: train {len(rows['train'])}, val {len(rows['val'])}, test {len(rows['test'])}, {len(labels)} labels; params {json.dumps(p)}", file=sys.stderr)
        ours_cmd = [os.path.join(root, "node_modules/.bin/tsx"), os.path.join(root, "bench/baseline-ours.ts"), tmp, json.dumps(p)]
        ours = json.loads(subprocess.run(ours_cmd, check=True, capture_output=True, text=True, cwd=root).stdout.strip().splitlines()[-1])
        load.append(os.getloadavg()[0])
        sk = run_sklearn(rows, labels, p)
        load.append(os.getloadavg()[0])
    print(f"{'impl':<8} {'features':>9} {'iters':>5} {'evals':>5} {'vec s':>7} {'fit s':>7} {'val acc':>8} {'val F1':>7} {'test acc':>8} {'test F1':>7}")
    for name, r in (("sklearn", sk), ("pipe", ours)):
        print(f"{name:<8} {r['n_features']:>9} {r['iterations']:>5} {r['evals']:>5} {r['vectorize_s']:>7.1f} {r['fit_s']:>7.1f} "
              f"{r['val']['accuracy']:>8.4f} {r['val']['f1_macro']:>7.4f} {r['test']['accuracy']:>8.4f} {r['test']['f1_macro']:>7.4f}")
    d = lambda s, m: 100 * (ours[s][m] - sk[s][m])
    print(f"pipe - sklearn (points): val acc {d('val','accuracy'):+.2f}, val F1 {d('val','f1_macro'):+.2f}, "
          f"test acc {d('test','accuracy'):+.2f}, test F1 {d('test','f1_macro'):+.2f}; fit time x{sk['fit_s'] / ours['fit_s']:.2f} faster")
    print(f"1-min load average before pipe, between, after sklearn: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}")


if __name__ == "__main__":
    main()
