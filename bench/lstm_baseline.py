#!/usr/bin/env python3
"""LSTM baseline on the text corpora (the paper's missing neural baseline), PyTorch on CPU.

  OMP_NUM_THREADS=2 bench/.venv/bin/python bench/lstm_baseline.py \
      --train ../shared/data/ohsumed/train.jsonl.gz --test ../shared/data/ohsumed/test.jsonl.gz --threads 2

Reads the JSONL(.gz) corpora directly ({"label": ..., "text": ...} per line), not the svmlight
features: a bidirectional LSTM over word embeddings learned from scratch. Tokens: lowercase
[a-z0-9]+ runs; vocabulary: the --vocab most frequent tokens of the training rows that are fitted
on (id 0 pads, id 1 is every other token); each text is cut to its first --max-len tokens. Model:
embedding (--emb) -> one-layer BiLSTM (--hidden per direction) -> max-pool over time (padding
masked) -> dropout -> linear layer over the classes of the training file. Adam (--lr), cross-entropy,
batches of --batch rows of similar length. A stratified --val-frac of the training rows (seed
--seed) is held out for early stopping: after each epoch the validation accuracy is measured, the
best epoch's weights are kept, and training stops after --patience epochs without improvement, at
--epochs, or after the epoch that passes --max-train-s seconds. Then the test file is scored once.

Prints one JSON line in the format of sklearn_baselines.py (method, tuning, accuracy,
macro_precision, macro_recall, macro_f1, fit_s, predict_s, threads, version, rows_train,
rows_test, notes), plus emb, hidden, max_len, vocab, epochs_trained, best_epoch, val_accuracy,
val_accuracy_epochs and seed, so that table.py renders it next to the scikit-learn rows. fit_s is
the training time including the per-epoch validation; tokenizing is not timed. On failure
(torch missing: `LSTM=1 bash bench/setup.sh`) it prints a line with "error" and exits non-zero.
--sample-train N / --sample-test N use a seeded random sample of N rows (quick tests only).
Set OMP_NUM_THREADS etc. to --threads.
"""
import argparse
import gzip
import json
import os
import re
import sys
import time
import traceback
from collections import Counter

METHOD = "BiLSTM"
TOKEN = re.compile(r"[a-z0-9]+")
PAD, UNK = 0, 1


def read_jsonl(path):
    """([label], [text]) of a .jsonl or .jsonl.gz corpus."""
    opener = gzip.open if path.endswith(".gz") else open
    labels, texts = [], []
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            r = json.loads(line)
            if "label" not in r or "text" not in r:
                raise ValueError(f"{path}:{n}: need 'label' and 'text' (multi-label 'labels' is not supported)")
            labels.append(str(r["label"]))
            texts.append(r["text"])
    return labels, texts


def sample(labels, texts, n, seed):
    if not n or n >= len(labels):
        return labels, texts
    import numpy as np
    idx = np.sort(np.random.RandomState(seed).permutation(len(labels))[:n])
    return [labels[i] for i in idx], [texts[i] for i in idx]


def tokenize(text, max_len):
    return TOKEN.findall(text.lower())[:max_len]


def build_vocab(token_lists, size):
    counts = Counter(t for toks in token_lists for t in toks)
    # most frequent first, ties by the token itself, so the vocabulary does not depend on row order
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]
    return {w: i + 2 for i, w in enumerate(words)}


def encode(token_lists, vocab):
    return [[vocab.get(t, UNK) for t in toks] or [UNK] for toks in token_lists]  # an empty text is one UNK


def split_train_val(y, frac, seed):
    """Stratified (fit, val) row indices; falls back to an unstratified split when a class is too
    small to stratify (only on tiny samples)."""
    import numpy as np
    from sklearn.model_selection import train_test_split
    idx = np.arange(len(y))
    try:
        return train_test_split(idx, test_size=frac, random_state=seed, stratify=y)
    except ValueError as e:
        print(f"lstm_baseline: warning: unstratified validation split ({e})", file=sys.stderr)
        return train_test_split(idx, test_size=frac, random_state=seed)


def reverse_rows(x, lengths):
    """Each row's first lengths[i] entries in reverse order, the padding left where it is (its own
    inverse). Lets a plain LSTM over a padded batch read each text backwards from its last token."""
    import torch
    t = torch.arange(x.shape[1]).unsqueeze(0)
    n = lengths.unsqueeze(1)
    idx = torch.where(t < n, n - 1 - t, t)  # (rows, time)
    if x.dim() == 3:
        idx = idx.unsqueeze(2).expand(-1, -1, x.shape[2])
    return x.gather(1, idx)


def make_model(n_vocab, n_classes, emb, hidden, dropout):
    import torch
    from torch import nn

    class BiLSTM(nn.Module):
        """Bidirectional LSTM as two one-way LSTMs over the padded batch, the backward one over the
        reversed rows: the same result as a packed bidirectional LSTM (padding only ever follows a
        row's tokens and is masked out of the max-pool), but the batch keeps one shape per time step,
        which is several times faster on the CPU than packed sequences of mixed lengths."""

        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(n_vocab, emb, padding_idx=PAD)
            self.fwd = nn.LSTM(emb, hidden, batch_first=True)
            self.bwd = nn.LSTM(emb, hidden, batch_first=True)
            self.drop = nn.Dropout(dropout)
            self.out = nn.Linear(2 * hidden, n_classes)

        def forward(self, x, lengths):
            e = self.drop(self.emb(x))
            hf, _ = self.fwd(e)
            hb, _ = self.bwd(reverse_rows(e, lengths))
            h = torch.cat([hf, reverse_rows(hb, lengths)], dim=2)
            pad = torch.arange(x.shape[1]).unsqueeze(0) >= lengths.unsqueeze(1)
            h = h.masked_fill(pad.unsqueeze(2), float("-inf"))
            return self.out(self.drop(h.max(dim=1).values))  # max over each row's own time steps

    return BiLSTM()


def batches(seqs, batch, rng=None):
    """Lists of row indices, rows of similar length together (sorted within chunks of 50 batches);
    shuffled when rng is given."""
    import numpy as np
    order = rng.permutation(len(seqs)) if rng is not None else np.arange(len(seqs))
    chunk = batch * 50
    out = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s:s + chunk], key=lambda i: len(seqs[i]))
        out += [part[b:b + batch] for b in range(0, len(part), batch)]
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def tensors(seqs, rows):
    import torch
    lengths = torch.tensor([len(seqs[i]) for i in rows], dtype=torch.int64)
    x = torch.full((len(rows), int(lengths.max())), PAD, dtype=torch.int64)
    for j, i in enumerate(rows):
        x[j, :len(seqs[i])] = torch.tensor(seqs[i], dtype=torch.int64)
    return x, lengths


def predict(model, seqs, batch):
    import numpy as np
    import torch
    model.eval()
    pred = np.empty(len(seqs), dtype=np.int64)
    with torch.no_grad():
        for rows in batches(seqs, batch):
            x, lengths = tensors(seqs, rows)
            pred[rows] = model(x, lengths).argmax(dim=1).numpy()
    return pred


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", required=True, help="training corpus, .jsonl or .jsonl.gz")
    p.add_argument("--test", required=True, help="test corpus, .jsonl or .jsonl.gz")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--vocab", type=int, default=20000, help="most frequent training tokens kept (default 20000)")
    p.add_argument("--max-len", type=int, default=400, help="tokens kept per text (default 400)")
    p.add_argument("--emb", type=int, default=128, help="embedding size (default 128)")
    p.add_argument("--hidden", type=int, default=128, help="LSTM hidden size per direction (default 128)")
    p.add_argument("--dropout", type=float, default=0.3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=10, help="at most this many epochs (default 10)")
    p.add_argument("--patience", type=int, default=2, help="epochs without a better validation accuracy (default 2)")
    p.add_argument("--val-frac", type=float, default=0.1, help="stratified validation share of train (default 0.1)")
    p.add_argument("--max-train-s", type=float, default=None,
                   help="stop training after the epoch that passes this many seconds (then score the best epoch)")
    p.add_argument("--sample-train", type=int, default=None, help="seeded random sample of N training rows (tests)")
    p.add_argument("--sample-test", type=int, default=None, help="seeded random sample of N test rows (tests)")
    a = p.parse_args()

    rec = {"method": METHOD, "tuning": f"early stopping on {100 * a.val_frac:g} % of train", "threads": a.threads,
           "version": None, "seed": a.seed}
    step = "import torch"
    try:
        import numpy as np
        import torch
        from sklearn.metrics import accuracy_score, precision_recall_fscore_support
        rec["version"] = f"torch {torch.__version__}"
        torch.set_num_threads(a.threads)
        torch.manual_seed(a.seed)
        rng = np.random.RandomState(a.seed)

        step = "load data"
        ytr_s, xtr_s = sample(*read_jsonl(a.train), a.sample_train, a.seed)
        yte_s, xte_s = sample(*read_jsonl(a.test), a.sample_test, a.seed)
        classes = sorted(set(ytr_s))
        cid = {c: i for i, c in enumerate(classes)}
        ytr = np.array([cid[c] for c in ytr_s], dtype=np.int64)
        yte = np.array([cid.get(c, -1) for c in yte_s], dtype=np.int64)  # a label unseen in train is always wrong
        unseen = int((yte < 0).sum())
        if unseen:
            print(f"lstm_baseline: warning: {unseen} test rows have a label the training file lacks", file=sys.stderr)

        step = "tokenize"
        tok_tr = [tokenize(t, a.max_len) for t in xtr_s]
        tok_te = [tokenize(t, a.max_len) for t in xte_s]
        fit_idx, val_idx = split_train_val(ytr, a.val_frac, a.seed)
        vocab = build_vocab([tok_tr[i] for i in fit_idx], a.vocab)  # vocabulary of the fitted rows only
        seq_tr, seq_te = encode(tok_tr, vocab), encode(tok_te, vocab)
        seq_fit, y_fit = [seq_tr[i] for i in fit_idx], torch.from_numpy(ytr[fit_idx])
        seq_val, y_val = [seq_tr[i] for i in val_idx], ytr[val_idx]
        print(f"lstm_baseline: {len(seq_fit)} fit / {len(seq_val)} validation / {len(seq_te)} test rows, "
              f"{len(classes)} classes, vocabulary {len(vocab)} + pad/unk", file=sys.stderr, flush=True)

        step = "train"
        model = make_model(len(vocab) + 2, len(classes), a.emb, a.hidden, a.dropout)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        best_acc, best_epoch, best_state, val_accs, stop = -1.0, 0, None, [], "max epochs"
        t0 = time.perf_counter()
        for ep in range(1, a.epochs + 1):
            model.train()
            total, te0 = 0.0, time.perf_counter()
            for rows in batches(seq_fit, a.batch, rng):
                x, lengths = tensors(seq_fit, rows)
                opt.zero_grad()
                loss = loss_fn(model(x, lengths), y_fit[rows])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
                total += loss.item() * len(rows)
            acc = float(accuracy_score(y_val, predict(model, seq_val, a.batch))) if len(seq_val) else 0.0
            val_accs.append(round(acc, 5))
            print(f"lstm_baseline: epoch {ep}: loss {total / len(seq_fit):.4f}, validation accuracy {acc:.4f}, "
                  f"{time.perf_counter() - te0:.1f} s", file=sys.stderr, flush=True)
            if acc > best_acc:
                best_acc, best_epoch = acc, ep
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            elif ep - best_epoch >= a.patience:
                stop = f"early stop (patience {a.patience})"
                break
            if a.max_train_s is not None and time.perf_counter() - t0 > a.max_train_s and ep < a.epochs:
                stop = f"time limit {a.max_train_s:g} s"
                break
        model.load_state_dict(best_state)
        fit_s = time.perf_counter() - t0

        step = "predict"
        t1 = time.perf_counter()
        yh = predict(model, seq_te, a.batch)
        predict_s = time.perf_counter() - t1
        pr, rc, f1, _ = precision_recall_fscore_support(yte, yh, average="macro", zero_division=0)
        rec.update({"accuracy": round(float(accuracy_score(yte, yh)), 5), "macro_precision": round(float(pr), 5),
                    "macro_recall": round(float(rc), 5), "macro_f1": round(float(f1), 5),
                    "fit_s": round(fit_s, 4), "predict_s": round(predict_s, 4),
                    "rows_train": len(seq_tr), "rows_test": len(seq_te), "emb": a.emb, "hidden": a.hidden,
                    "max_len": a.max_len, "vocab": len(vocab), "epochs_trained": len(val_accs),
                    "best_epoch": best_epoch, "val_accuracy": round(best_acc, 5), "val_accuracy_epochs": val_accs,
                    "stopped_by": stop})
        sampled = (f"; SAMPLE: {len(seq_tr)} train / {len(seq_te)} test rows"
                   if a.sample_train or a.sample_test else "")
        rec["notes"] = (f"embedding {a.emb}, BiLSTM hidden {a.hidden} per direction, max-pool, dropout {a.dropout:g}; "
                        f"vocabulary {len(vocab):,} train words, {a.max_len} tokens per text; Adam lr {a.lr:g}, "
                        f"batch {a.batch}; trained {len(val_accs)} epoch(s) ({stop}), weights of epoch "
                        f"{best_epoch}: validation accuracy {100 * best_acc:.1f} % on {len(seq_val):,} held-out "
                        f"train rows (seed {a.seed}); fit s includes validation{sampled}")
    except BaseException as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        err = f"{type(e).__name__}: {e}"
        if isinstance(e, ImportError) and step == "import torch":
            err += " (install it with: LSTM=1 bash bench/setup.sh)"
        rec.update({"error": err, "step": step})
        print(json.dumps(rec), flush=True)
        sys.exit(2 if step in ("import torch", "load data") else 1)
    print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
