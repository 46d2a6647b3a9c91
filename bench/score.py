#!/usr/bin/env python3
"""score.py — measure a tulieu export against the dev corpus's ground truth.

Scores, for every page with truth text, the character error rate (CER: edit
distance / truth length, after NFC and whitespace normalisation) and word
error rate; and, when given a `tulieu export --format json` file, how the
box was split into documents, their classes, their Dublin Core fields and
their tables' records.

    score.py EXPORT.json                    # a tulieu JSON export
    score.py --text-dir DIR                 # DIR/<page key>.txt (bare tesseract, ...)
    score.py --truth samples/truth EXPORT   # another truth folder (the demo box)

Standard library only.  See bench/README.md.
"""

import argparse
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

# --------------------------------------------------------------- text ------

_WS = re.compile(r"\s+")


def norm(s):
    """NFC, runs of whitespace to one space, stripped."""
    if s is None:
        return ""
    return _WS.sub(" ", unicodedata.normalize("NFC", s)).strip()


def levenshtein(a, b):
    """Unit-cost edit distance between two sequences (str or list).

    Myers/Hyyrö bit-parallel algorithm on Python integers: O(len(a) *
    len(b) / wordsize), a few milliseconds for two 3,000-character pages.
    """
    if len(a) < len(b):
        a, b = b, a
    # common prefix and suffix cost nothing
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    j = 0
    while j < len(b) and a[len(a) - 1 - j] == b[len(b) - 1 - j]:
        j += 1
    if j:
        a, b = a[: len(a) - j], b[: len(b) - j]
    m = len(b)
    if m == 0:
        return len(a)
    peq = {}
    for k, c in enumerate(b):
        peq[c] = peq.get(c, 0) | (1 << k)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for c in a:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = (ph << 1) | 1
        mh = mh << 1
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


# --------------------------------------------------------------- truth -----


def key_of(file, page):
    """('box-01/0001.tif', 1) -> 'box-01__0001.tif_p1'"""
    return "%s_p%d" % (file.replace("/", "__"), int(page))


def parse_key(key):
    """'box-01__0001.tif_p1' -> ('box-01/0001.tif', 1)"""
    m = re.match(r"^(.*)_p(\d+)$", key)
    if not m:
        return None
    return m.group(1).replace("__", "/"), int(m.group(2))


class Truth:
    def __init__(self, folder, only=None):
        self.folder = folder
        self.pages = {}  # (file, page) -> normalised text
        self.documents = []
        self.separators = set()  # (file, 1)
        self.tables = {}  # (file, page) -> [table]
        pdir = os.path.join(folder, "pages")
        if not os.path.isdir(pdir):
            raise SystemExit("score.py: %s has no pages/ folder" % folder)
        for name in sorted(os.listdir(pdir)):
            if not name.endswith(".txt"):
                continue
            fp = parse_key(name[:-4])
            if fp is None:
                continue
            with open(os.path.join(pdir, name), encoding="utf-8") as f:
                self.pages[fp] = norm(f.read())
        dpath = os.path.join(folder, "documents.json")
        if os.path.exists(dpath):
            with open(dpath, encoding="utf-8") as f:
                self.documents = json.load(f).get("documents", [])
            for d in self.documents:
                d["_pages"] = [(p["file"], int(p.get("page", 1))) for p in d.get("pages", [])]
                if d.get("separator_after"):
                    self.separators.add((d["separator_after"], 1))
        if only:
            keep = lambda fp: any(fp[0].startswith(o) for o in only)
            self.pages = {k: v for k, v in self.pages.items() if keep(k)}
            self.separators = {k for k in self.separators if keep(k)}
            self.documents = [d for d in self.documents if d["_pages"] and all(map(keep, d["_pages"]))]
        tpath = os.path.join(folder, "tables.json")
        if os.path.exists(tpath):
            with open(tpath, encoding="utf-8") as f:
                for k, v in json.load(f).items():
                    file, _, page = k.rpartition("#")
                    fp = (file, int(page or 1))
                    if not only or any(file.startswith(o) for o in only):
                        self.tables[fp] = v
        # every page the truth knows of, text or not, for source matching
        self.known = set(self.pages) | self.separators
        for d in self.documents:
            self.known.update(d["_pages"])
        self.by_base = defaultdict(list)
        for fp in self.known:
            self.by_base[(fp[0].rsplit("/", 1)[-1], fp[1])].append(fp)


# --------------------------------------------------------------- matching --


def split_path(p):
    p = p.replace("\\", "/")
    return [c for c in p.split("/") if c not in ("", ".")]


def suffix_len(a, b):
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def candidates(truth, source, page):
    """Truth pages sharing the longest trailing path with source."""
    comps = split_path(source)
    if not comps:
        return []
    cands = truth.by_base.get((comps[-1], page), [])
    if not cands:
        return []
    best = max(suffix_len(comps, split_path(c[0])) for c in cands)
    return [c for c in cands if suffix_len(comps, split_path(c[0])) == best]


def dirname(fp):
    return fp[0].rsplit("/", 1)[0] if "/" in fp[0] else ""


def match_export(truth, export, prefix):
    """Map every export page to a truth page.

    Returns (pages, notes): pages is a list of dicts {doc, index, source,
    page, text, key, how}; key is the matched (file, page) or None.
    """
    pages = []
    for di, d in enumerate(export.get("documents", [])):
        for pi, p in enumerate(d.get("pages", [])):
            src = p.get("source") or ""
            if prefix and not src.startswith(prefix):
                src = prefix + src
            pages.append({"doc": di, "index": pi, "source": src,
                          "page": int(p.get("source_page") or 1),
                          "text": p.get("text") or "", "key": None, "how": None,
                          "cands": []})
    for p in pages:
        p["cands"] = candidates(truth, p["source"], p["page"])
        if len(p["cands"]) == 1:
            p["key"], p["how"] = p["cands"][0], "path"
    # Ambiguous sources (e.g. "0001.tif" when two boxes have one): drop the
    # truth pages that other export pages already claim, then keep the
    # candidates in the folder the document's other pages came from; repeat
    # while that settles anything.
    taken = Counter(p["key"] for p in pages if p["key"])
    changed = True
    while changed:
        changed = False
        doc_dirs = defaultdict(Counter)
        for p in pages:
            if p["key"]:
                doc_dirs[p["doc"]][dirname(p["key"])] += 1
        for p in pages:
            if p["key"] or len(p["cands"]) < 2:
                continue
            free = [c for c in p["cands"] if not taken[c]] or p["cands"]
            # a page with text is not a blank separator sheet, and back
            has_text = len(norm(p["text"])) > 20
            fit = [c for c in free if bool(truth.pages.get(c)) == has_text]
            if fit:
                free = fit
            how = "unclaimed"
            if len(free) > 1 and doc_dirs[p["doc"]]:
                top = doc_dirs[p["doc"]].most_common(1)[0][0]
                near_ = [c for c in free if dirname(c) == top]
                if near_:
                    free, how = near_, "document"
            if len(free) == 1:
                p["key"], p["how"] = free[0], how
                taken[free[0]] += 1
                changed = True
    # last resort: the unclaimed candidate whose truth text is nearest
    for p in pages:
        if p["key"] or len(p["cands"]) < 2:
            continue
        t = norm(p["text"])
        free = [c for c in p["cands"] if not taken[c]] or p["cands"]
        scored = []
        for c in free:
            tt = truth.pages.get(c, "")
            scored.append((levenshtein(t, tt) / max(1, len(tt)), c))
        scored.sort()
        p["key"], p["how"] = scored[0][1], "text"
        taken[p["key"]] += 1
    return pages


# --------------------------------------------------------------- scoring ---


def score_pages(truth, got):
    """got: {(file, page): text}.  Returns the per-page rows and totals."""
    rows = []
    for fp in sorted(truth.pages):
        t = truth.pages[fp]
        if not t:
            continue
        if fp not in got:
            rows.append({"page": "%s#%d" % fp, "key": key_of(*fp), "chars": len(t),
                         "missing": True})
            continue
        o = norm(got[fp])
        d = levenshtein(o, t)
        tw, ow = t.split(" "), o.split(" ") if o else []
        wd = levenshtein(ow, tw)
        # words found regardless of order: what full-text search sees
        found = sum((Counter(tw) & Counter(ow)).values())
        rows.append({"page": "%s#%d" % fp, "key": key_of(*fp), "chars": len(t),
                     "distance": d, "cer": d / len(t), "words": len(tw),
                     "word_distance": wd, "wer": wd / len(tw),
                     "words_found": found, "word_recall": found / len(tw), "missing": False})
    scored = [r for r in rows if not r["missing"]]
    chars = sum(r["chars"] for r in scored)
    dist = sum(r["distance"] for r in scored)
    words = sum(r["words"] for r in scored)
    wdist = sum(r["word_distance"] for r in scored)
    wfound = sum(r["words_found"] for r in scored)
    allchars = sum(r["chars"] for r in rows)
    missing_chars = allchars - chars
    total = {
        "pages": len(rows), "scored": len(scored), "missing": len(rows) - len(scored),
        "chars": chars, "distance": dist,
        "cer": dist / chars if chars else None,
        "wer": wdist / words if words else None,
        "word_recall": wfound / words if words else None,
        # missing pages counted as wholly wrong
        "cer_with_missing": (dist + missing_chars) / allchars if allchars else None,
    }
    return rows, total


def near(a, b, tol):
    a, b = norm(a), norm(b)
    if not b:
        return a == b
    return levenshtein(a, b) / len(b) <= tol


def dc_field(d, name):
    v = (d.get("dc") or {}).get(name)
    if isinstance(v, list):
        v = "; ".join(str(x) for x in v)
    return v


def score_documents(truth, export, pages):
    """Document splitting, class and Dublin Core."""
    edocs = export.get("documents", [])
    exp_sets = defaultdict(set)  # export doc -> matched truth pages
    exp_extra = defaultdict(list)  # export doc -> unmatched sources
    for p in pages:
        if p["key"]:
            exp_sets[p["doc"]].add(p["key"])
        else:
            exp_extra[p["doc"]].append("%s#%d" % (p["source"], p["page"]))
    where = defaultdict(set)  # truth page -> export docs holding it
    for di, s in exp_sets.items():
        for k in s:
            where[k].add(di)
    out = {"documents": [], "split_exact": 0, "total": 0,
           "class_correct": 0, "class_total": 0, "fields": {}}
    fields = {}
    for td in truth.documents:
        tset = set(td["_pages"])
        out["total"] += 1
        # the export document holding most of this truth document's pages
        overlap = Counter()
        for k in tset:
            for di in where.get(k, ()):
                overlap[di] += 1
        best = None
        if overlap:
            best = sorted(overlap.items(), key=lambda x: (-x[1], x[0]))[0][0]
        exact = (best is not None and exp_sets[best] == tset and not exp_extra.get(best))
        row = {"id": td.get("id"), "class": td.get("class"),
               "pages": ["%s#%d" % k for k in td["_pages"]],
               "export_doc": edocs[best].get("id") if best is not None else None,
               "export_pages": (sorted("%s#%d" % k for k in exp_sets[best]) + exp_extra.get(best, []))
               if best is not None else [],
               "split_exact": exact}
        if exact:
            out["split_exact"] += 1
        if best is not None:
            ed = edocs[best]
            out["class_total"] += 1
            row["export_class"] = ed.get("class")
            if ed.get("class") == td.get("class"):
                out["class_correct"] += 1
            row["dc"] = {}
            for name, tval in (td.get("dc") or {}).items():
                if name not in ("type", "identifier", "date", "creator", "title"):
                    continue
                if not tval:
                    continue
                got = dc_field(ed, name)
                if name == "title":
                    ok = got is not None and near(got, tval, 0.10)
                else:
                    ok = got is not None and norm(got) == norm(tval)
                f = fields.setdefault(name, [0, 0])
                f[1] += 1
                f[0] += int(ok)
                row["dc"][name] = {"truth": tval, "got": got, "ok": ok}
        else:
            # not found at all: its fields count as wrong
            for name, tval in (td.get("dc") or {}).items():
                if name in ("type", "identifier", "date", "creator", "title") and tval:
                    fields.setdefault(name, [0, 0])[1] += 1
        out["documents"].append(row)
    out["fields"] = {k: {"correct": v[0], "total": v[1]} for k, v in sorted(fields.items())}
    out["fields_correct"] = sum(v[0] for v in fields.values())
    out["fields_total"] = sum(v[1] for v in fields.values())
    out["export_documents"] = len(edocs)
    return out


def score_tables(truth, export, pages):
    """Records (row, column, value) found, over truth and over export."""
    got = defaultdict(list)  # truth page -> export records
    for p in pages:
        if not p["key"]:
            continue
        ep = export["documents"][p["doc"]]["pages"][p["index"]]
        for t in ep.get("tables") or []:
            got[p["key"]].extend(t.get("records") or [])
    truth_n = found = exp_n = 0
    per_page = {}
    for fp, tables in truth.tables.items():
        want = Counter()
        for t in tables:
            for r in t.get("records") or []:
                want[(norm(r.get("row")), norm(r.get("column")), norm(r.get("value")))] += 1
        have = Counter((norm(r.get("row")), norm(r.get("column")), norm(r.get("value")))
                       for r in got.get(fp, []))
        hit = sum((want & have).values())
        truth_n += sum(want.values())
        exp_n += sum(have.values())
        found += hit
        per_page["%s#%d" % fp] = {"truth": sum(want.values()), "export": sum(have.values()),
                                  "found": hit}
    return {"truth_records": truth_n, "export_records": exp_n, "found": found,
            "recall": found / truth_n if truth_n else None,
            "precision": found / exp_n if exp_n else None, "pages": per_page}


# --------------------------------------------------------------- report ----


def pct(x):
    return "-" if x is None else "%.2f%%" % (100 * x)


def default_truth():
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "..", "..", "shared", "corpus", "truth"),
                 os.path.join(here, "..", "..", "..", "shared", "corpus", "truth")):
        if os.path.isdir(cand):
            return os.path.normpath(cand)
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Score a tulieu JSON export (or a folder of plain-text pages) "
                    "against ground truth: per-page CER/WER, missing pages, "
                    "document splitting, class, Dublin Core and table records.")
    ap.add_argument("export", nargs="?", help="tulieu export --format json file ('-' for stdin)")
    ap.add_argument("--text-dir", metavar="DIR",
                    help="score DIR/<page key>.txt files instead of an export "
                         "(e.g. DIR/box-01__0001.tif_p1.txt)")
    ap.add_argument("--truth", metavar="DIR", default=None,
                    help="truth folder (documents.json, tables.json, pages/); "
                         "default: ../shared/corpus/truth beside the repo")
    ap.add_argument("--prefix", default="",
                    help="prepend this to every export source that lacks it "
                         "(e.g. box-01/ when only box-01 was ingested)")
    ap.add_argument("--only", action="append", metavar="PREFIX",
                    help="score only the truth pages and documents whose file starts "
                         "with PREFIX (e.g. box-01/); repeatable")
    ap.add_argument("--worst", type=int, default=5, metavar="N",
                    help="list the N worst pages (default 5)")
    ap.add_argument("--quiet", action="store_true",
                    help="summary only: no per-page table, no per-document details")
    ap.add_argument("--json", action="store_true", help="print the whole result as JSON")
    ap.add_argument("--max-cer", type=float, metavar="X",
                    help="exit 1 if the overall CER (0..1, missing pages counted) is above X")
    args = ap.parse_args(argv)

    if bool(args.export) == bool(args.text_dir):
        ap.error("give either an export file or --text-dir DIR")
    tdir = args.truth or default_truth()
    if not tdir or not os.path.isdir(tdir):
        ap.error("no truth folder: give --truth DIR")
    truth = Truth(tdir, args.only)

    result = {"truth": tdir}
    pages = []
    if args.text_dir:
        result["text_dir"] = args.text_dir
        got = {}
        for name in os.listdir(args.text_dir):
            if name.endswith(".txt"):
                fp = parse_key(name[:-4])
                if fp:
                    with open(os.path.join(args.text_dir, name), encoding="utf-8",
                              errors="replace") as f:
                        got[fp] = f.read()
        result["unmatched"] = sorted("%s#%d" % fp for fp in got if fp not in truth.known)
    else:
        try:
            if args.export == "-":
                export = json.load(sys.stdin)
            else:
                with open(args.export, encoding="utf-8") as f:
                    export = json.load(f)
        except (OSError, ValueError) as e:
            print("score.py: cannot read %s: %s" % (args.export, e), file=sys.stderr)
            return 2
        result["export"] = args.export
        pages = match_export(truth, export, args.prefix)
        got = {}
        dup = []
        for p in pages:
            if not p["key"]:
                continue
            if p["key"] in got:
                dup.append("%s#%d" % p["key"])
                continue
            got[p["key"]] = p["text"]
        result["unmatched"] = ["%s#%d" % (p["source"], p["page"]) for p in pages if not p["key"]]
        result["duplicates"] = dup
        result["separator_pages_exported"] = sorted(
            "%s#%d" % p["key"] for p in pages if p["key"] in truth.separators)
        result["matched_by"] = dict(Counter(p["how"] for p in pages if p["key"]))

    rows, total = score_pages(truth, got)
    result["pages"] = rows
    result["total"] = total
    if not args.text_dir:
        result["documents"] = score_documents(truth, export, pages)
        if truth.tables:
            result["tables"] = score_tables(truth, export, pages)

    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        report(result, args)

    if args.max_cer is not None:
        c = total["cer_with_missing"]
        if c is None or c > args.max_cer:
            return 1
    return 0


def report(r, args):
    w = sys.stdout.write
    rows, total = r["pages"], r["total"]
    w("truth: %s\n" % r["truth"])
    w("scored: %s\n\n" % (r.get("export") or r.get("text_dir")))
    if not args.quiet:
        w("%-34s %6s %6s %8s %8s %8s\n" % ("page", "chars", "dist", "CER", "WER", "words"))
        for x in rows:
            if x["missing"]:
                w("%-34s %6d %6s %8s %8s\n" % (x["page"], x["chars"], "-", "MISSING", ""))
            else:
                w("%-34s %6d %6d %8s %8s %8s\n" % (x["page"], x["chars"], x["distance"],
                                                     pct(x["cer"]), pct(x["wer"]),
                                                     pct(x["word_recall"])))
        w("\n")
    w("overall CER: %s  (%d edits / %d chars over %d of %d pages)\n"
      % (pct(total["cer"]), total["distance"], total["chars"], total["scored"], total["pages"]))
    w("overall WER: %s   words found (any order): %s\n"
      % (pct(total["wer"]), pct(total["word_recall"])))
    if total["missing"]:
        w("CER counting the %d missing pages as wholly wrong: %s\n"
          % (total["missing"], pct(total["cer_with_missing"])))
    scored = sorted((x for x in rows if not x["missing"] and x["distance"]),
                    key=lambda x: -x["cer"])
    if args.worst > 0:
        w("worst pages: %s\n" % (", ".join("%s %s" % (x["page"], pct(x["cer"]))
                                           for x in scored[: args.worst]) or "none"))
    miss = [x["page"] for x in rows if x["missing"]]
    w("missing pages (%d): %s\n" % (len(miss), ", ".join(miss) if miss else "none"))
    if r.get("unmatched"):
        w("pages not in the truth (%d): %s\n" % (len(r["unmatched"]), ", ".join(r["unmatched"])))
    if r.get("duplicates"):
        w("pages exported twice (%d): %s\n" % (len(r["duplicates"]), ", ".join(r["duplicates"])))
    if r.get("separator_pages_exported"):
        w("separator sheets exported as pages (%d): %s\n"
          % (len(r["separator_pages_exported"]), ", ".join(r["separator_pages_exported"])))
    mb = r.get("matched_by") or {}
    if mb.get("text"):
        w("note: %d ambiguous sources were matched by their text (use --prefix)\n" % mb["text"])
    d = r.get("documents")
    if d:
        w("\ndocuments split exactly: %d/%d  (export has %d documents)\n"
          % (d["split_exact"], d["total"], d["export_documents"]))
        if not args.quiet:
            for x in d["documents"]:
                if not x["split_exact"]:
                    w("  %s %s: truth %s; export %s %s\n" % (
                        x["id"], x["class"], " ".join(x["pages"]), x["export_doc"],
                        " ".join(x["export_pages"]) if x["export_pages"] else "(none)"))
        w("class: %d/%d correct\n" % (d["class_correct"], d["total"]))
        if not args.quiet:
            for x in d["documents"]:
                if "export_class" in x and x["export_class"] != x["class"]:
                    w("  %s: %s, export says %s\n" % (x["id"], x["class"], x["export_class"]))
        for name, f in d["fields"].items():
            w("dc:%-11s %d/%d%s\n" % (name, f["correct"], f["total"],
                                      "  (within 10% edits)" if name == "title" else ""))
        if d.get("fields_total"):
            w("dc fields right: %d/%d = %s\n" % (d["fields_correct"], d["fields_total"],
                                                pct(d["fields_correct"] / d["fields_total"])))
        if not args.quiet:
            for x in d["documents"]:
                for name, v in (x.get("dc") or {}).items():
                    if not v["ok"]:
                        w("  %s dc:%s: truth %r, export %r\n" % (x["id"], name, v["truth"], v["got"]))
    t = r.get("tables")
    if t:
        w("\ntable records found: %d/%d (recall %s), export records %d (precision %s)\n"
          % (t["found"], t["truth_records"], pct(t["recall"]), t["export_records"],
             pct(t["precision"])))


if __name__ == "__main__":
    sys.exit(main())
