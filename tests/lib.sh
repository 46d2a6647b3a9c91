# lib.sh - TAP helpers for the shell tests; each test runs in a fresh folder.
set -u
n=0
failed=0
ok() {  # ok DESCRIPTION COMMAND... : passes when the command succeeds
    desc=$1; shift
    n=$((n + 1))
    if "$@" >/dev/null 2>&1; then echo "ok $n - $desc"
    else echo "not ok $n - $desc"; failed=$((failed + 1)); fi
}
is() {  # is GOT WANT DESCRIPTION
    n=$((n + 1))
    if [ "$1" = "$2" ]; then echo "ok $n - $3"
    else echo "not ok $n - $3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; failed=$((failed + 1)); fi
}
contains() {  # contains FILE TEXT DESCRIPTION
    n=$((n + 1))
    if grep -qF -- "$2" "$1"; then echo "ok $n - $3"
    else echo "not ok $n - $3"; echo "#   '$2' not in $1:"; sed 's/^/#   /' "$1" | head -20; failed=$((failed + 1)); fi
}
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }
WORK=$(mktemp -d /tmp/tulieu-sh-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
: "${TULIEU:?run through make check}"
