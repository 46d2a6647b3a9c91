#!/bin/sh
# crash.sh - the crash-safety proof.  `tulieu ingest` is killed with SIGKILL
# at the critical points of filing a document (package half-written in
# staging, renamed into objects/ but not yet catalogued, catalogued but not
# yet indexed) and at random moments, each run continuing the same library;
# after each kill every catalogued package must verify.  A last run then
# completes: every page is filed exactly once, staging is empty, the audit
# passes and search finds every page.  CRASH_SEED=N repeats the kill times.
# Last, not a kill: another process opening the library mid-filing.
. "$TOP_SRCDIR/tests/lib.sh"

"$TOP_BUILDDIR/tests/mkfixtures" fx || exit 1
"$TULIEU" init lib >/dev/null || exit 1
SEED=${CRASH_SEED:-$(($(date +%s) % 100000))}
echo "# seed $SEED"

# crash.py kill RUN MODE ARG -- COMMAND...: runs COMMAND and SIGKILLs it when
#   MODE's moment comes: "delay S" after S seconds; "staging" when a package
#   appears in staging/; "objects" when a new package lands in objects/;
#   "catalog" when the catalog lists one more document.  Every run is
#   bounded: killed after 120 s whatever the mode.  Then audits the library.
# crash.py final: the checks after the last run.
# crash.py reader COMMAND...: an ingest into lib2 is kept (by a catalog
#   write lock this script holds) between renaming its first package into
#   objects/ and cataloguing it, as a busy machine may keep it, while
#   COMMAND -L lib2 opens the library; then the ingest goes on.  The package
#   must survive the reader.
# Each prints "ok<TAB>description", "fail<TAB>description" or
# "todo<TAB>description<TAB>reason" lines and "#" comments, which tap_from
# turns into TAP lines.
cat > crash.py <<'PY'
import collections, json, os, re, signal, sqlite3, subprocess, sys, time

db = sqlite3.connect("lib/tulieu.db", timeout=0.05)

def check(cond, desc, *why, todo=None):
    for w in why if not cond else ():
        print("#   %s" % w)
    if not cond and todo:
        print("todo\t%s\t%s" % (desc, todo))
    else:
        print("%s\t%s" % ("ok" if cond else "fail", desc))

def n_docs():
    try:
        return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return None

def ls(d):
    try:
        return set(os.listdir(d))
    except OSError:
        return set()

def audit_after_kill(tulieu, lib):
    """What the catalog lists must be whole: the only problem the audit may
    find after a kill is a package renamed in but never catalogued (the
    next open takes it out).  Returns all problems and the bad ones."""
    a = subprocess.run([tulieu, "audit", "-L", lib, "--json"], capture_output=True, text=True)
    try:
        problems = json.loads(a.stdout)["problems"]
    except ValueError:
        problems = [{"kind": "audit", "path": "-", "detail": "no report: " + a.stderr.strip()}]
    bad = [p for p in problems
           if not (p["kind"] == "unexpected" and re.fullmatch(r"objects/[^/]+", p["path"]))]
    return problems, bad

def kill(run, mode, arg, cmd):
    objects0, docs0 = ls("lib/objects"), n_docs()
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    why = None
    while p.poll() is None and not why:
        t = time.monotonic() - start
        if t > 120:
            why = "the 120 s limit"
        elif mode == "delay" and t >= float(arg):
            why = "%.2f s" % t
        elif mode == "staging" and ls("lib/staging"):
            why = "a package in staging (%.2f s)" % t
        elif mode == "objects" and ls("lib/objects") - objects0:
            why = "a new package in objects/ (%.2f s)" % t
        elif mode == "catalog" and (n_docs() or 0) > (docs0 or 0):
            why = "a new document in the catalog (%.2f s)" % t
        else:
            time.sleep(0.002 if mode != "delay" else 0.01)
    if why:
        p.send_signal(signal.SIGKILL)
        p.wait()
        print("# run %d (%s %s): killed at %s" % (run, mode, arg, why))
    else:
        print("# run %d (%s %s): finished first, exit %d" % (run, mode, arg, p.returncode))
    problems, bad = audit_after_kill(cmd[0], "lib")
    n, unindexed = db.execute("SELECT COUNT(*), COUNT(*) - COALESCE(SUM(indexed), 0) "
                              "FROM documents").fetchone()
    print("#   catalog: %d document(s), %d not indexed yet; %d package(s) renamed in, "
          "never catalogued" % (n, unindexed, len(problems) - len(bad)))
    check(not bad, "after run %d, every catalogued package verifies" % run,
          *["%(kind)s %(path)s (%(detail)s)" % p for p in bad])

def final():
    docs = json.load(open("export.json"))["documents"]
    pages = collections.Counter()
    for d in docs:
        src = d["dc"].get("source", "")
        box = src.split(": ", 1)[0] if ": " in src else None
        for p in d["pages"]:
            pages[(box, p["source"], p["source_page"])] += 1
    want = {("box", "0001.tif", 1), ("box", "0003.png", 1), ("box", "0004.jpg", 1),
            (None, "multi.tif", 1), (None, "multi.tif", 2)}
    check(set(pages) == want and all(k == 1 for k in pages.values()),
          "every page filed exactly once", "pages filed: %s" % dict(pages))
    split = sorted([(p["source"], p["source_page"]) for p in d["pages"]] for d in docs)
    check(split == [[("0001.tif", 1)], [("0003.png", 1), ("0004.jpg", 1)],
                    [("multi.tif", 1), ("multi.tif", 2)]],
          "split into the same three documents as an uninterrupted run", "documents: %s" % split)
    n, unindexed = db.execute("SELECT COUNT(*), COUNT(*) - COALESCE(SUM(indexed), 0) "
                              "FROM documents").fetchone()
    check(unindexed == 0 and n == 3, "every document catalogued once and marked indexed",
          "%d documents, %d not indexed" % (n, unindexed))
    # Every page says "labour": the index must hold each page once, no more.
    hits = json.load(open("hits.json"))
    want = sorted((d["id"], i + 1) for d in docs for i in range(len(d["pages"])))
    got = sorted((h["doc_id"], h["page"]) for h in hits["hits"])
    check(got == want and hits["total"] == len(want),
          "search finds every page, each once: the index caught up",
          "want %s" % want, "got  %s (total %d)" % (got, hits["total"]))

def reader(cmd):
    subprocess.run([cmd[0], "init", "lib2"], capture_output=True)
    db2 = sqlite3.connect("lib2/tulieu.db", timeout=0.05, isolation_level=None)
    # Holding the catalog's write lock keeps the ingest, once it has renamed
    # its first package into objects/, waiting for its catalog transaction
    # (up to its busy timeout, 10 s) for as long as the reader takes.
    # Opening a library and recognising pages need no write lock.
    db2.execute("BEGIN IMMEDIATE")
    p = subprocess.Popen([cmd[0], "ingest", "-q", "-j", "1", "-L", "lib2", "fx/box"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def wait_for(cond, limit):
        start = time.monotonic()
        while p.poll() is None and not cond() and time.monotonic() - start < limit:
            time.sleep(0.002)
        return cond()
    landed = wait_for(lambda: ls("lib2/objects"), 120)
    print("# ingest between rename and catalog with %s in objects/" % sorted(ls("lib2/objects")))
    subprocess.run(cmd + ["-L", "lib2"], capture_output=True)
    db2.execute("ROLLBACK")
    filed = wait_for(lambda: db2.execute("SELECT COUNT(*) FROM documents").fetchone()[0] > 0,
                     60)
    p.kill()
    p.wait()
    problems, bad = audit_after_kill(cmd[0], "lib2")
    check(landed and filed and not bad,
          "a reader (%s) opening the library mid-filing leaves the package alone"
          % " ".join(os.path.basename(c) for c in cmd),
          *(["%(kind)s %(path)s (%(detail)s)" % p for p in bad] if landed and filed else
            ["scenario not reached: package landed %s, filed %s" % (landed, filed)]),
          todo=landed and filed and "bug: tl_archive_open's recover() deletes a package "
               "another process has renamed in but not yet catalogued (archive/library.c)")

if sys.argv[1] == "reader":
    reader(sys.argv[2:])
elif sys.argv[1] == "kill":
    kill(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[sys.argv.index("--") + 1:])
else:
    final()
PY

# Turns crash.py's lines into TAP; a crash.py that fails is a failure too.
tap_from() {
    ok "crash.py $1 ran" test "$2" -eq 0
    while IFS='	' read -r res desc; do
        case $res in
        \#*) echo "$res" ;;
        todo) n=$((n + 1)); echo "not ok $n - ${desc%%	*} # TODO ${desc#*	}" ;;
        *) n=$((n + 1))
           if [ "$res" = ok ]; then echo "ok $n - $desc"
           else echo "not ok $n - $desc"; failed=$((failed + 1)); fi ;;
        esac
    done
}

# A random delay in [0.3, 6) seconds for run $1, from the seed.
delay() { awk -v s="$SEED" -v r="$1" 'BEGIN { srand(s * 10 + r); printf "%.2f", 0.3 + 5.7 * rand() }'; }

# The critical points with one worker (less to redo after each kill), the
# random moments with two.
run=0
for mode in staging objects catalog delay delay delay; do
    run=$((run + 1))
    arg=- jobs=1
    [ "$mode" = delay ] && arg=$(delay $run) jobs=2
    python3 crash.py kill $run $mode "$arg" -- "$TULIEU" ingest -q -j $jobs -L lib \
        fx/box fx/multi.tif > checks.txt
    tap_from "kill $run" $? < checks.txt
done

"$TULIEU" ingest -q -L lib fx/box fx/multi.tif > final.txt 2> final.err
is "$?" 0 "a last run completes"
sed 's/^/#   /' final.txt | tail -1
is "$(ls -A lib/staging | wc -l)" 0 "nothing left in staging"
is "$(ls -A lib/objects | wc -l)" 3 "three packages in objects/"
"$TULIEU" export -L lib > export.json
is "$?" 0 "export"
"$TULIEU" audit -L lib > audit.txt 2>&1
is "$?" 0 "the audit passes"
contains audit.txt "audited 3 documents, $(cat lib/objects/*/manifest-sha256.txt | wc -l) files: 0 problems" \
    "every file verified"
"$TULIEU" search -L lib --json -n 50 labour > hits.json
is "$?" 0 "search"
python3 crash.py final > checks.txt
tap_from final $? < checks.txt

# Not a kill: a second process opening the library while an ingest files.
python3 crash.py reader "$TULIEU" export > checks.txt
tap_from reader $? < checks.txt
done_testing
