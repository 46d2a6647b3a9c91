#!/usr/bin/env python3
"""docs-evaldir.py - builds a labelled folder for `tulieu classify --eval`
from a corpus truth: OUT/<class>/<doc id>.txt, each the truth text of the
document's pages in order.  Usage: bench/docs-evaldir.py TRUTH_DIR OUT_DIR"""
import json, os, sys

if len(sys.argv) != 3:
    sys.exit("usage: docs-evaldir.py TRUTH_DIR OUT_DIR")
truth, out = sys.argv[1:]
docs = json.load(open(os.path.join(truth, "documents.json"), encoding="utf-8"))["documents"]
n = 0
for d in docs:
    texts = []
    for p in d["pages"]:
        key = "%s_p%d" % (p["file"].replace("/", "__"), p["page"])
        path = os.path.join(truth, "pages", key + ".txt")
        if os.path.exists(path):
            texts.append(open(path, encoding="utf-8").read())
    os.makedirs(os.path.join(out, d["class"]), exist_ok=True)
    with open(os.path.join(out, d["class"], d["id"] + ".txt"), "w", encoding="utf-8") as fp:
        fp.write("\n".join(texts))
    n += 1
print("%d documents in %s" % (n, out))
