#!/usr/bin/env python3
"""Turn benchmark JSON lines (ours + tm_others.py + sklearn_baselines.py) into Markdown tables.

  python bench/table.py OUTDIR/others.jsonl OUTDIR/ours.jsonl OUTDIR/sklearn.jsonl > table.md

Tsetlin lines (with "lib") are grouped into one row per run (lib, version, clauses, threads, T, s,
...), epochs in order: 's/epoch' lists fit seconds per epoch, 'predict s' the prediction seconds
per epoch (beyond 5 epochs: the first three, the last and the mean), accuracy / macro F1 are
after the last epoch (with the epoch count). Lines with "fold" are cross-validation: they are
averaged per epoch over the folds. Lines with "error" become a FAILED row. Lines with "method"
(sklearn_baselines.py, with and without --tuned, and lstm_baseline.py) go into a second table, in
file order: accuracy and macro precision / recall / F1, the line's "tuning" ("defaults" when
absent, "tuned by CV on train", ...) as its hyper-parameters column and its "notes" (the chosen
parameters) in the notes column. A file that does not exist is skipped with a warning. Our own engine's
binary should print the same fields as tm_others.py (lib, version, epoch, fit_s, predict_s,
accuracy, macro_f1, threads, clauses, clauses_semantics, T, s, rows_train, rows_test, peak_rss_mb).
Needs only the Python standard library.
"""
import json
import os
import sys

NAMES = {"tmu": "tmu (CPU)", "pytmp": "pyTsetlinMachineParallel", "green": "green-tsetlin"}


def fmt_n(x):
    if x is None:
        return "–"
    return f"{x:,}" if isinstance(x, int) else str(x)


def secs(xs):
    """Per-epoch seconds; a long run shows its first three epochs, the last and the mean."""
    one = lambda x: "–" if x is None else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")  # noqa: E731
    if len(xs) > 5:
        known = [x for x in xs if x is not None]
        mean = one(sum(known) / len(known)) if known else "–"
        return " / ".join(one(x) for x in xs[:3]) + f" … {one(xs[-1])} (mean {mean})"
    return " / ".join(one(x) for x in xs) or "–"


def pct(x):
    return "–" if x is None else f"{100 * x:.1f} %"


def spread(r, field):
    sd = r.get(field + "_std")
    return "" if sd is None else f" ± {100 * sd:.1f}"


def merge_folds(eps):
    """Cross-validation: one line per epoch with fold means (times, scores), the sample standard
    deviation of the scores and the largest peak RSS. When every fold ran the same epochs, one
    line per epoch (only epochs that every fold reached); when the folds ran different numbers
    of epochs (settings chosen per fold), the scores are those after each fold's own last epoch,
    the times are per-epoch means over the folds that ran that epoch, and "epoch" says the range."""
    from statistics import mean, stdev
    by_epoch, by_fold = {}, {}
    for r in eps:
        by_epoch.setdefault(r["epoch"], []).append(r)
        by_fold.setdefault(r["fold"], []).append(r)
    n_folds = len(by_fold)
    spans = {max(r["epoch"] for r in rs) for rs in by_fold.values()}

    def merged(rs, score_rows):
        m = dict(rs[0])
        for f in ("fit_s", "predict_s"):
            vals = [r[f] for r in rs if r.get(f) is not None]
            if vals:
                m[f] = mean(vals)
        for f in ("accuracy", "macro_f1"):
            vals = [r[f] for r in score_rows if r.get(f) is not None]
            if vals:
                m[f] = mean(vals)
                if len(vals) > 1:
                    m[f + "_std"] = stdev(vals)
        rss = [r["peak_rss_mb"] for r in rs if r.get("peak_rss_mb") is not None]
        m["peak_rss_mb"] = max(rss) if rss else None
        return m

    if len(spans) == 1:
        return [merged(by_epoch[e], by_epoch[e]) for e in sorted(by_epoch) if len(by_epoch[e]) == n_folds]
    finals = [max(rs, key=lambda r: r["epoch"]) for rs in by_fold.values()]
    out = [merged(by_epoch[e], by_epoch[e]) for e in sorted(by_epoch)]
    out[-1] = merged(by_epoch[max(by_epoch)], finals)
    out[-1]["epoch"] = f"{min(spans)}–{max(spans)} (per fold)"
    out[-1]["peak_rss_mb"] = max((r["peak_rss_mb"] for r in eps if r.get("peak_rss_mb") is not None), default=None)
    return out


def span(rows, field):
    """The values of `field` over `rows`: one value, or "low–high" when they differ."""
    vals = sorted({r.get(field) for r in rows if r.get(field) is not None})
    if not vals:
        return None
    return vals[0] if len(vals) == 1 else f"{vals[0]}–{vals[-1]}"


def main(paths):
    runs, order, skl = {}, [], []
    for path in paths:
        if not os.path.exists(path):
            print(f"table.py: {path}: no such file, skipped", file=sys.stderr)
            continue
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    print(f"table.py: {path}:{n}: not JSON, skipped: {line[:80]}", file=sys.stderr)
                    continue
                if "method" in r and "lib" not in r:
                    skl.append(r)
                    continue
                # cross-validation folds may each have their own settings (chosen on the fold's
                # training rows): they are one run all the same
                settings = () if "fold" in r else (r.get("clauses"), r.get("T"), r.get("s"),
                                                   r.get("weighted"), r.get("boost"))
                key = (path, r.get("lib"), r.get("threads"), r.get("green_model"), r.get("green_input")) + settings
                if "error" in r:  # attach to the run of that lib in that file if there is one
                    key = next((k for k in order if k[0] == path and k[1] == r.get("lib")), key)
                if key not in runs:
                    runs[key] = []
                    order.append(key)
                runs[key].append(r)

    out = ["| library | version | clauses | threads | T / s | s/epoch (per epoch) | predict s (per epoch) "
           "| accuracy | macro F1 | peak RSS | notes |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k in order:
        rs = runs[k]
        eps = sorted((r for r in rs if "epoch" in r), key=lambda r: r["epoch"])
        errs = [r for r in rs if "error" in r]
        folds = sorted({r["fold"] for r in eps if "fold" in r})
        per_fold = bool(folds) and any(span(eps, f) != eps[0].get(f) for f in ("clauses", "T", "s", "weighted"))
        if per_fold:
            chosen = {f: span(eps, f) for f in ("clauses", "T", "s")}
            weighted = sorted({bool(r.get("weighted")) for r in eps})
        if folds:
            eps = merge_folds(eps)
        first = (eps or rs)[0]
        if per_fold:
            first = {**first, **chosen, "weighted": weighted == [True]}
        lib = first.get("lib", "?")
        name = NAMES.get(lib, lib)
        clauses = first.get("clauses")
        sem = first.get("clauses_semantics")
        cl = fmt_n(clauses) + (f" ({sem})" if sem else "")
        notes = []
        if first.get("seeded") is False:
            notes.append("not seeded")
        if per_fold:
            notes.append("settings chosen per fold on its training rows"
                         + ("; weighted in some folds" if weighted == [False, True] else ""))
        if first.get("weighted"):
            notes.append("weighted")
        if first.get("boost") is False:
            notes.append("no boost")
        if lib == "green" and first.get("green_model"):
            notes.append(f"{first['green_model']} TM, {first.get('green_input')} input")
        if first.get("threads_used") not in (None, first.get("threads")):
            notes.append(f"uses {first['threads_used']} thread(s)")
        if folds:
            notes.append(f"{len(folds)} folds: times and scores are means per fold, ± sample std over folds")
        elif first.get("rows_train") is not None:
            notes.append(f"{first['rows_train']:,} train / {first.get('rows_test', 0):,} test rows")
        for e in errs:
            notes.append(f"**FAILED** at {e.get('step', '?')}: {e.get('error')}")
        last = eps[-1] if eps else {}
        ts = "–" if first.get("T") is None else f"{first.get('T')} / {first.get('s')}"
        acc = pct(last.get("accuracy")) + spread(last, "accuracy") + (f" after {last['epoch']}" if last else "")
        rss = "–" if last.get("peak_rss_mb") is None else f"{last['peak_rss_mb'] / 1024:.2f} GB"
        out.append(f"| {name} | {first.get('version') or '–'} | {cl} | {fmt_n(first.get('threads'))} | {ts} "
                   f"| {secs([r.get('fit_s') for r in eps])} | {secs([r.get('predict_s') for r in eps])} "
                   f"| {acc} | {pct(last.get('macro_f1'))}{spread(last, 'macro_f1')} | {rss} | {'; '.join(notes)} |")
    if order:
        print("\n".join(out))
    if skl:
        if order:
            print()
        print("| baseline method | hyper-parameters | version | threads | accuracy | macro precision "
              "| macro recall | macro F1 | fit s | predict s | notes |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in skl:
            tuning = r.get("tuning", "defaults")
            if "error" in r:
                print(f"| {r['method']} | {tuning} | {r.get('version') or '–'} | {fmt_n(r.get('threads'))} "
                      f"| – | – | – | – | – | – | **FAILED** at {r.get('step', '?')}: {r['error']} |")
                continue
            scores = [pct(r.get(f)) + (spread(r, f) if r.get("cv") and r.get(f) is not None else "")
                      for f in ("accuracy", "macro_precision", "macro_recall", "macro_f1")]
            notes = []
            if r.get("cv"):
                how = "folds from tsetlin export-features" if r.get("folds_from") else f"seed {r.get('seed')}"
                notes.append(f"{r['cv']}-fold CV ({how}), mean per fold")
            if r.get("notes"):
                notes.append(r["notes"])
            print(f"| {r['method']} | {tuning} | {r.get('version') or '–'} | {fmt_n(r.get('threads'))} "
                  f"| {' | '.join(scores)} | {secs([r.get('fit_s')])} | {secs([r.get('predict_s')])} "
                  f"| {'; '.join(notes)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    main(sys.argv[1:])
