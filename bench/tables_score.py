#!/usr/bin/env python3
"""tables_score.py — table records of a tulieu export against the truth.

    tables_score.py EXPORT.json [--truth DIR] [--library LIB] [--json]

A record matches a truth record of the same page when its number is equal
(both null for the "no figure" marks) and its row and column labels are
within 20 % edits of the truth's (NFC, whitespace collapsed); matching is
one to one.  Recall, precision and F1 are given per table style of the
truth (grid, grid-span, yearbook, ...).

With --library, the same run also scores the naive reading: Tesseract's
words grouped into its lines (the library's pages/NNNN.json), a line with
two or more figures read as a row (the words before them its label), the
columns named by the word groups of the line right above the first row.

Standard library only.
"""

import argparse
import glob
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict

_WS = re.compile(r"\s+")
_FIG = re.compile(r"^[-+]?\d{1,3}(\.\d{3})*(,\d+)?%?$|^[-+]?\d+(,\d+)?%?$")
_BLANK = {"-", "\u2013", "\u2014", "..", "...", "\u2026", "x", "X"}


def norm(s):
    return _WS.sub(" ", unicodedata.normalize("NFC", s or "")).strip()


def lev(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def close(got, want):
    got, want = norm(got), norm(want)
    if not want:
        return not got
    return lev(got, want) <= 0.2 * len(want)


def number(value):
    """The Vietnamese reading of a printed figure; None for anything else."""
    v = norm(value).replace(" ", "")
    if not _FIG.match(v):
        return None
    v = v.rstrip("%").replace(".", "").replace(",", ".")
    try:
        return float(v)
    except ValueError:
        return None


def page_key(source, page):
    return "%s#%d" % (source, page)


def match_key(truth_keys, source, page):
    """Truth key sharing the longest trailing path with an export source."""
    best, best_n = None, 0
    parts = source.split("/")
    for k in truth_keys:
        f, _, p = k.rpartition("#")
        if int(p) != page:
            continue
        tp = f.split("/")
        n = 0
        while n < min(len(tp), len(parts)) and tp[-1 - n] == parts[-1 - n]:
            n += 1
        if n > best_n:
            best, best_n = k, n
    return best


def score_page(truth_tables, got_records, missed=None):
    """Returns per-style counts: {style: [truth, found, exported]}; the truth
    records not found are appended to @missed."""
    out = defaultdict(lambda: [0, 0, 0])
    pool = []  # (style, record, number)
    for t in truth_tables:
        for r in t.get("records", []):
            pool.append([t["style"], r, number(r["value"]), False])
            out[t["style"]][0] += 1
    for g in got_records:
        gn = g.get("number")
        style = None
        for item in pool:
            style_t, r, tn, used = item
            if used:
                continue
            same = (tn is None and gn is None) or (
                tn is not None and gn is not None and abs(tn - gn) < 1e-9)
            if same and close(g.get("row"), r["row"]) and close(g.get("column"), r["column"]):
                item[3] = True
                style = style_t
                out[style][1] += 1
                break
        g["_style"] = style
    if missed is not None:
        missed.extend(item[1] for item in pool if not item[3])
    # An unmatched record counts against the style of the table it sits in:
    # the style most of its table's matched records have, else the page's.
    by_table = defaultdict(list)
    for g in got_records:
        by_table[g.get("_table", 0)].append(g)
    page_styles = [t["style"] for t in truth_tables]
    for recs in by_table.values():
        styles = [g["_style"] for g in recs if g["_style"]]
        fallback = max(set(styles), key=styles.count) if styles else (
            page_styles[0] if page_styles else "none")
        for g in recs:
            out[g["_style"] or fallback][2] += 1
    return out


def naive_records(words):
    """Rows read off Tesseract's lines (see the module comment)."""
    lines = defaultdict(list)
    for w in words:
        t = (w.get("text") or "").strip()
        if t and t != "|":
            lines[w["line"]].append(w)
    order = sorted(lines)
    recs = []
    header = None
    prev = None
    in_run = False
    for ln in order:
        ws = sorted(lines[ln], key=lambda w: w["bbox"][0])
        texts = [w["text"] for w in ws]
        figs = [i for i, t in enumerate(texts) if number(t) is not None or t in _BLANK]
        first = figs[0] if figs else len(texts)
        is_row = len(figs) >= 2 and all(i in figs for i in range(first, len(texts)))
        if is_row and first == 0 and not any("," in t or "." in t for t in texts):
            is_row = False  # a line of years is a header
        if not is_row:
            in_run = False
            prev = ws
            continue
        if not in_run:
            header = []
            if prev:
                hs = sorted(w["bbox"][3] - w["bbox"][1] for w in prev)
                h = hs[len(hs) // 2]
                group = [prev[0]]
                for w in prev[1:]:
                    if w["bbox"][0] - group[-1]["bbox"][2] > h:
                        header.append(" ".join(x["text"] for x in group))
                        group = []
                    group.append(w)
                header.append(" ".join(x["text"] for x in group))
            in_run = True
        label = " ".join(texts[:first])
        vals = texts[first:]
        for k, v in enumerate(vals):
            col = header[len(header) - len(vals) + k] if len(header) >= len(vals) else ""
            recs.append({"row": label, "column": col, "value": v, "number": number(v),
                         "_table": 0})
    return recs


def totals(per_page):
    tot = defaultdict(lambda: [0, 0, 0])
    for counts in per_page.values():
        for s, c in counts.items():
            for i in range(3):
                tot[s][i] += c[i]
    return tot


def prf(c):
    r = c[1] / c[0] if c[0] else 0.0
    p = c[1] / c[2] if c[2] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return r, p, f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export")
    ap.add_argument("--truth", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                    "shared", "corpus", "truth"))
    ap.add_argument("--library", help="score the naive reading from LIB's page words too")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="list unmatched truth records")
    a = ap.parse_args()
    truth = json.load(open(os.path.join(a.truth, "tables.json"), encoding="utf-8"))
    exp = json.load(sys.stdin if a.export == "-" else open(a.export, encoding="utf-8"))

    got = defaultdict(list)
    low = 0
    n_tables = 0
    for d in exp.get("documents", []):
        for p in d.get("pages", []):
            k = match_key(truth.keys(), p.get("source", ""), p.get("source_page", 1))
            for ti, t in enumerate(p.get("tables", [])):
                n_tables += 1
                low += bool(t.get("low_confidence"))
                for r in t.get("records", []):
                    r = dict(r)
                    r["_table"] = ti
                    got[k].append(r)
    results = {"tulieu": {}}
    per = {}
    missed = {}
    for k, tables in truth.items():
        missed[k] = []
        per[k] = score_page(tables, got.get(k, []), missed[k])
    extra = sum(len(v) for k, v in got.items() if k not in truth)
    results["tulieu"] = per

    if a.library:
        naive = defaultdict(list)
        for f in glob.glob(os.path.join(a.library, "objects", "*", "pages", "*.json")):
            pj = json.load(open(f, encoding="utf-8"))
            if "words" not in pj:
                continue
            k = match_key(truth.keys(), pj.get("source", ""), pj.get("source_page", 1))
            if k:
                naive[k].extend(naive_records(pj["words"]))
        results["naive"] = {k: score_page(t, naive.get(k, [])) for k, t in truth.items()}

    out = {}
    for name, pages in results.items():
        tot = totals(pages)
        out[name] = {s: dict(zip(("truth", "found", "exported"), c),
                             **dict(zip(("recall", "precision", "f1"), prf(c))))
                     for s, c in sorted(tot.items())}
        all_c = [sum(c[i] for c in tot.values()) for i in range(3)]
        out[name]["all"] = dict(zip(("truth", "found", "exported"), all_c),
                                **dict(zip(("recall", "precision", "f1"), prf(all_c))))
    if a.json:
        print(json.dumps(out, indent=2))
        return 0
    print("tables exported: %d (%d low confidence); records on pages without truth tables: %d"
          % (n_tables, low, extra))
    for name in out:
        print("== %s" % name)
        print("%-12s %6s %6s %6s  %7s %9s %6s" % ("style", "truth", "found", "output",
                                                 "recall", "precision", "F1"))
        for s, v in out[name].items():
            print("%-12s %6d %6d %6d  %6.1f%% %8.1f%% %5.1f%%" % (
                s, v["truth"], v["found"], v["exported"], 100 * v["recall"],
                100 * v["precision"], 100 * v["f1"]))
    if a.verbose:
        for k, recs in missed.items():
            for r in recs:
                print("missed %s: %s | %s | %s" % (k, r["row"], r["column"], r["value"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
