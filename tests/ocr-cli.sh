#!/bin/sh
# ocr-cli.sh - `tulieu ocr --format alto|pdf`: OCR outputs without a library.
. "$TOP_SRCDIR/tests/lib.sh"
xsd="$TOP_SRCDIR/tests/schemas/alto-4-subset.xsd"

"$TOP_BUILDDIR/tests/mkfixtures" fx >/dev/null
"$TULIEU" ocr --format alto -o one.xml fx/box/0001.tif 2>err.txt; is "$?" 0 "ocr --format alto"
ok "well-formed" xmllint --noout one.xml
ok "valid against the ALTO v4 subset schema" xmllint --noout --schema "$xsd" one.xml
contains one.xml 'CONTENT="population"' "a word as a String"
contains one.xml '<fileName>fx/box/0001.tif</fileName>' "names the source image"
"$TULIEU" ocr --format alto fx/box/0001.tif fx/multi.tif > many.xml 2>err.txt; is "$?" 0 "several files to stdout"
ok "one valid document" xmllint --noout --schema "$xsd" many.xml
pages=$(xmllint --xpath 'count(//*[local-name()="Page"])' many.xml 2>/dev/null)
ok "a Page for each page ($pages)" test "$pages" -ge 3

"$TULIEU" ocr --format pdf -o doc.pdf fx/box/0001.tif fx/box/0004.jpg 2>err.txt; is "$?" 0 "ocr --format pdf"
ok "pdfinfo reads it" pdfinfo doc.pdf
is "$(pdfinfo doc.pdf | awk '/^Pages:/ {print $2}')" 2 "two pages"
pdftotext doc.pdf doc.txt
contains doc.txt "population" "pdftotext finds page 1's words"
contains doc.txt "MINISTRY OF PLANNING" "and page 2's"
pdfimages -list doc.pdf > img.txt
contains img.txt "ccitt" "the bitonal TIFF page is CCITT G4"
contains img.txt "jpeg" "the JPEG page is JPEG"
size=$(stat -c %s doc.pdf)
"$TULIEU" ocr --format pdf fx/box/0001.tif > one.pdf 2>/dev/null; is "$?" 0 "a PDF to stdout"
ok "a bitonal A4 page at 300 dpi under 200 KB ($(stat -c %s one.pdf) bytes)" test "$(stat -c %s one.pdf)" -lt 204800
ok "two pages bigger than one ($size bytes)" test "$size" -gt "$(stat -c %s one.pdf)"

"$TULIEU" ocr --format pdf -o bad.pdf fx/bad/0004.tif 2>err.txt; is "$?" 1 "unreadable input: 1"
contains err.txt "0004.tif" "naming it"
ok "and no PDF half-written" test ! -e bad.pdf
"$TULIEU" ocr --format epub fx/box/0001.tif 2>err.txt; is "$?" 2 "unknown format: 2"
contains err.txt "alto or pdf" "lists the formats"

# The same outputs filed by ingest: access image, ALTO per page, the PDF.
"$TULIEU" init lib >/dev/null && "$TULIEU" ingest -q -L lib fx/box >/dev/null 2>&1
is "$?" 0 "ingest"
for d in lib/objects/*/; do
    pdf=$d/document.pdf
    npages=$(ls "$d"pages/*.txt | wc -l)
    ok "$d: document.pdf of its $npages pages" test "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')" = "$npages"
    for t in "$d"pages/*.txt; do
        base=${t%.txt}
        ok "$base: an access image" test -s "$base.png" -o -s "$base.jpg"
        ok "$base: its ALTO valid" xmllint --noout --schema "$xsd" "$base.alto.xml"
        rel=${base#"$d"}
        contains "$d/manifest-sha256.txt" "$rel.alto.xml" "$rel.alto.xml in the manifest"
    done
    contains "$d/manifest-sha256.txt" "document.pdf" "document.pdf in the manifest"
done
png=$(ls lib/objects/*/pages/*.png | head -1)
# A PNG's bit depth is byte 24, in its IHDR chunk.
is "$(od -An -tu1 -j24 -N1 "$png" | tr -d ' ')" 1 "the bitonal TIFF's access image is a 1-bit PNG"
ok "the JPEG's access image is a JPEG" sh -c "ls lib/objects/*/pages/*.jpg"
pdftotext "$(dirname "$(dirname "$png")")/document.pdf" filed.txt
contains filed.txt "population" "the filed PDF is searchable"
# ocr/omp-serial.c stands in for libgomp's parallel-region entry points, so
# Tesseract's one-thread regions cost no futex call.  That holds only while
# every GOMP_ entry point Tesseract imports is one the file defines: a newer
# Tesseract importing another (a loop, a barrier, a task) must fail here,
# not run half in libgomp.
tess=$(ldd "$TULIEU" | awk '/libtesseract/ {print $3; exit}')
if [ -n "$tess" ] && command -v nm >/dev/null 2>&1; then
    nm -D --undefined-only "$tess" | sed -n 's/.* U \(GOMP_[A-Za-z_]*\).*/\1/p' | sort -u > gomp-used.txt
    sed -n 's/^\(GOMP_[A-Za-z_]*\)(.*/\1/p' "$TOP_SRCDIR/ocr/omp-serial.c" | sort -u > gomp-defined.txt
    is "$(comm -23 gomp-used.txt gomp-defined.txt | tr '\n' ' ')" "" \
        "every GOMP_ entry point $(basename "$tess") imports ($(wc -l < gomp-used.txt)) is defined by ocr/omp-serial.c"
    ok "tulieu defines them itself" sh -c "nm '$TULIEU' | grep -q ' T GOMP_parallel\$'"
fi
done_testing
