#!/usr/bin/env python3
"""bagit-check.py - an independent BagIt (RFC 8493) validator for the tests.

Shares nothing with tulieu's C code: it reads the bag with Python's own
zipfile/tarfile (or the folder as it is), parses bagit.txt and bag-info.txt,
verifies every line of every payload and tag manifest, checks Payload-Oxum,
and that no payload file is outside the manifests and every manifest's
files are there.  Exit status 0 when the bag is valid, 1 (with the reasons
on stderr) when not, 2 on usage errors.

    bagit-check.py BAG [--expect-files N]
"""
import hashlib
import io
import os
import sys
import tarfile
import zipfile

ALGOS = {"md5", "sha1", "sha256", "sha512"}


def read_members(path):
    """Returns {relative path: bytes} of the bag's files, relative to the
    bag's top folder (the folder holding bagit.txt)."""
    files = {}
    if os.path.isdir(path):
        for dirpath, dirnames, filenames in os.walk(path):
            for name in filenames:
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    raise ValueError("symbolic link in the bag: %s" % full)
                with open(full, "rb") as fp:
                    files[os.path.relpath(full, path)] = fp.read()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = z.read(info)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    files[m.name] = t.extractfile(m).read()
                elif not m.isdir():
                    raise ValueError("not a plain file in the tar: %s" % m.name)
    else:
        raise ValueError("%s: not a folder, zip or tar" % path)
    for name in files:
        parts = name.split("/")
        if name.startswith("/") or ".." in parts:
            raise ValueError("entry climbs out of the bag: %s" % name)
    if "bagit.txt" in files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) != 1:
        raise ValueError("no bagit.txt at the top and not one top folder")
    top = tops.pop() + "/"
    return {name[len(top):]: data for name, data in files.items() if name.startswith(top)}


def parse_tag_file(data, name):
    """RFC 8493 2.2.2: 'Label: value' lines, continuation lines start with
    white space.  Returns a list of (label, value)."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        raise ValueError("%s: starts with a byte order mark" % name)
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t":
            if not out:
                raise ValueError("%s: continuation line first" % name)
            out[-1] = (out[-1][0], out[-1][1] + " " + line.strip())
            continue
        if ":" not in line:
            raise ValueError("%s: not 'Label: value': %r" % (name, line))
        label, value = line.split(":", 1)
        out.append((label.strip(), value.strip()))
    return out


def decode_path(p):
    return p.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r") \
        .replace("%0d", "\r").replace("%25", "%")


def check_manifest(files, name, payload, problems):
    """Verifies every line of manifest @name; returns the set of paths listed."""
    algo = name.split("-", 1)[1][:-4]
    listed = set()
    text = files[name].decode("utf-8")
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            problems.append("%s line %d: not 'checksum path'" % (name, no))
            continue
        digest, path = parts[0].lower(), decode_path(parts[1].strip())
        if payload and not path.startswith("data/"):
            problems.append("%s line %d: %s is outside data/" % (name, no, path))
        if not payload and path.startswith("data/"):
            problems.append("%s line %d: %s is a payload file" % (name, no, path))
        if not payload and path.startswith("tagmanifest-"):
            problems.append("%s line %d: a tag manifest lists %s" % (name, no, path))
        if path in listed:
            problems.append("%s: %s listed twice" % (name, path))
        listed.add(path)
        if path not in files:
            problems.append("%s: %s is listed but not in the bag" % (name, path))
            continue
        got = hashlib.new(algo, files[path]).hexdigest()
        if got != digest:
            problems.append("%s: %s has %s %s, the manifest says %s"
                            % (name, path, algo, got, digest))
    return listed


def check(path):
    problems = []
    files = read_members(path)
    if "bagit.txt" not in files:
        return ["no bagit.txt"], files
    decl = dict(parse_tag_file(files["bagit.txt"], "bagit.txt"))
    if decl.get("BagIt-Version") not in ("1.0", "0.97"):
        problems.append("bagit.txt: BagIt-Version %r" % decl.get("BagIt-Version"))
    if decl.get("Tag-File-Character-Encoding", "").upper() != "UTF-8":
        problems.append("bagit.txt: Tag-File-Character-Encoding %r"
                        % decl.get("Tag-File-Character-Encoding"))
    payload_manifests = [n for n in files if "/" not in n and n.startswith("manifest-")
                         and n.endswith(".txt") and n[9:-4] in ALGOS]
    tag_manifests = [n for n in files if "/" not in n and n.startswith("tagmanifest-")
                     and n.endswith(".txt") and n[12:-4] in ALGOS]
    if not payload_manifests:
        problems.append("no payload manifest")
    payload_files = {n for n in files if n.startswith("data/")}
    for m in payload_manifests:
        listed = check_manifest(files, m, True, problems)
        # RFC 8493 3: every payload file is listed in every payload manifest.
        for extra in sorted(payload_files - listed):
            problems.append("%s: %s is in the payload, not in the manifest" % (m, extra))
    tag_files = {n for n in files if not n.startswith("data/")}
    for m in tag_manifests:
        listed = check_manifest(files, m, False, problems)
        for must in ("bagit.txt", "bag-info.txt") + tuple(payload_manifests):
            if must in files and must not in listed:
                problems.append("%s: does not list %s" % (m, must))
    for n in sorted(tag_files):
        if n in ("bagit.txt", "bag-info.txt", "fetch.txt") or n in payload_manifests \
                or n in tag_manifests:
            continue
        problems.append("%s: a file outside data/ that is no tag file we know" % n)
    if "bag-info.txt" in files:
        info = parse_tag_file(files["bag-info.txt"], "bag-info.txt")
        oxum = [v for k, v in info if k == "Payload-Oxum"]
        want = "%d.%d" % (sum(len(files[n]) for n in payload_files), len(payload_files))
        if not oxum:
            problems.append("bag-info.txt: no Payload-Oxum")
        elif oxum[0] != want:
            problems.append("bag-info.txt: Payload-Oxum %s, the payload is %s" % (oxum[0], want))
        if not [v for k, v in info if k == "Bagging-Date"]:
            problems.append("bag-info.txt: no Bagging-Date")
    return problems, files


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        problems, files = check(argv[1])
    except (ValueError, OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as e:
        print("invalid: %s" % e, file=sys.stderr)
        return 1
    if len(argv) == 4 and argv[2] == "--expect-files":
        n = len([f for f in files if f.startswith("data/")])
        if n != int(argv[3]):
            problems.append("%d payload files, expected %s" % (n, argv[3]))
    for p in problems:
        print("invalid: %s" % p, file=sys.stderr)
    if not problems:
        print("valid: %d payload files" % len([f for f in files if f.startswith("data/")]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
