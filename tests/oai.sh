#!/bin/sh
# oai.sh - the OAI-PMH answers of the e-library validated with xmllint
# against the published schemas kept in tests/schemas (OAI-PMH.xsd, and
# oai_dc.xsd with simpledc20021212.xsd and xml.xsd for the records inside):
# every verb, the resumption tokens and every error code.  Nothing is
# downloaded (--nonet; the imports point at the local copies).

TOP_BUILDDIR=${TOP_BUILDDIR:-.}
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$0")/..}
SCHEMA="$TOP_SRCDIR/tests/schemas/oai-pmh-with-dc.xsd"
SERVER="$TOP_BUILDDIR/tests/test-viewer"

for tool in xmllint curl; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done

work=$(mktemp -d /tmp/tulieu-oai-XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n=0
failed=0
ok() { # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=1
    fi
}

# Three documents an answer, so the tokens are exercised.
TULIEU_OAI_BATCH=3 "$SERVER" --serve "$work/lib" >"$work/port" 2>"$work/server.err" &
pid=$!
i=0
port=
while [ $i -lt 600 ]; do
    port=$(head -n 1 "$work/port" 2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
case $port in
    ''|*[!0-9]*)
        echo "Bail out! the test server did not start: $(cat "$work/server.err")"
        exit 1 ;;
esac
base="http://127.0.0.1:$port/oai"

# fetch NAME QUERY: the answer into $work/NAME.xml, then valid against the schema
k=0
valid() { # valid NAME QUERY [CURL-OPTIONS]
    name=$1 query=$2
    shift 2
    curl -s -o "$work/$name.xml" "$@" "$base?$query"
    xmllint --nonet --noout --schema "$SCHEMA" "$work/$name.xml" 2>"$work/$name.err"
    st=$?
    ok $st "$name ($query) is valid OAI-PMH"
    [ $st -eq 0 ] || sed 's/^/#   /' "$work/$name.err" | head -n 5
}
has() { # has NAME PATTERN DESCRIPTION
    grep -q -- "$2" "$work/$1.xml"
    ok $? "$3"
}

valid identify "verb=Identify"
has identify "<repositoryName>" "Identify names the repository"
valid formats "verb=ListMetadataFormats"
valid formats-id "verb=ListMetadataFormats&identifier=oai:tulieu:qd-1627"
valid sets "verb=ListSets"
has sets "<setSpec>box:box-02</setSpec>" "ListSets lists the boxes"
valid record "verb=GetRecord&identifier=oai:tulieu:cv-escape&metadataPrefix=oai_dc"
has record "<dc:title>V/v &lt;b&gt;kiểm tra&lt;/b&gt;" "the record's markup is escaped"

# Harvest everything through the tokens; every part valid, 28 records in all.
valid records "verb=ListRecords&metadataPrefix=oai_dc"
total=$(grep -o "<record>" "$work/records.xml" | wc -l)
token=$(sed -n 's:.*<resumptionToken>\([^<]*\)</resumptionToken>.*:\1:p' "$work/records.xml")
parts=1
allvalid=0
while [ -n "$token" ] && [ $parts -lt 50 ]; do
    parts=$((parts + 1))
    curl -s -o "$work/part.xml" "$base?verb=ListRecords&resumptionToken=$token"
    xmllint --nonet --noout --schema "$SCHEMA" "$work/part.xml" 2>/dev/null || allvalid=1
    total=$((total + $(grep -o "<record>" "$work/part.xml" | wc -l)))
    token=$(sed -n 's:.*<resumptionToken>\([^<]*\)</resumptionToken>.*:\1:p' "$work/part.xml")
done
ok $allvalid "all $parts parts of the harvest are valid"
[ "$total" -eq 28 ] && [ $parts -eq 10 ]
ok $? "the harvest brings the 28 documents in 10 parts (got $total in $parts)"
grep -q "<resumptionToken/>\|<resumptionToken></resumptionToken>" "$work/part.xml"
ok $? "the last part ends with an empty token"

valid ids-set "verb=ListIdentifiers&metadataPrefix=oai_dc&set=class:quyet-dinh"
has ids-set "oai:tulieu:qd-1627" "the class set holds its document"
valid ids-from "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2000-01-01T00:00:00Z"
valid post "verb=Identify" --data "verb=Identify"

for e in "badVerb:verb=Nope" "badVerb:" "badArgument:verb=ListRecords" \
         "badArgument:verb=GetRecord&identifier=oai:tulieu:qd-1627" \
         "badArgument:verb=ListIdentifiers&metadataPrefix=oai_dc&from=yesterday" \
         "cannotDisseminateFormat:verb=ListRecords&metadataPrefix=mods" \
         "cannotDisseminateFormat:verb=GetRecord&identifier=oai:tulieu:qd-1627&metadataPrefix=mods" \
         "idDoesNotExist:verb=GetRecord&identifier=oai:tulieu:none&metadataPrefix=oai_dc" \
         "idDoesNotExist:verb=ListMetadataFormats&identifier=urn:x" \
         "noRecordsMatch:verb=ListRecords&metadataPrefix=oai_dc&until=1990-01-01" \
         "noRecordsMatch:verb=ListIdentifiers&metadataPrefix=oai_dc&set=box:nothing" \
         "badResumptionToken:verb=ListIdentifiers&resumptionToken=i1.9.zz.."; do
    code=${e%%:*}
    query=${e#*:}
    k=$((k + 1))
    valid "err$k" "$query"
    has "err$k" "<error code=\"$code\">" "'$query' answers $code"
done

# A broken document must not validate: the check itself can fail.
sed 's/<responseDate>/<responseDat>/' "$work/identify.xml" >"$work/broken.xml"
xmllint --nonet --noout --schema "$SCHEMA" "$work/broken.xml" 2>/dev/null
[ $? -ne 0 ]
ok $? "a broken answer is caught by the schema"

kill -0 "$pid" 2>/dev/null
ok $? "the server is still running"
echo "1..$n"
exit $failed
