#!/usr/bin/env python3
"""docproc robustness run: the dev split of the corpus plus mutated copies of its files.

Copies every PDF, DOCX and TXT of the corpus's dev split (../shared/corpus/manifest.tsv), adds
--mutants damaged copies of them (random byte flips, truncations, duplicated and random chunks;
--seed makes them the same every time), runs `docproc convert --timeout 10` over the lot, and
reports: the exit code, the time, the parent's peak memory (VmHWM of the docproc process itself,
polled; the workers are separate processes with their own cap), and the documents by status and
error code from the database. Every document must end completed, failed or skipped.

Usage: cargo build --release && python3 benches/robustness.py [--mutants 1000] [--seed 7]
"""
import argparse
import collections
import csv
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def mutate(data, rng):
    data = bytearray(data)
    kind = rng.choice(["flip", "flip", "truncate", "chunk", "random"])
    if kind == "flip" and data:
        for _ in range(rng.randint(1, 50)):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
    elif kind == "truncate" and data:
        data = data[: rng.randrange(len(data))]
    elif kind == "chunk" and len(data) > 16:
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randint(1, 4096))
        at = rng.randrange(len(data))
        data[at:at] = data[a:b] * rng.randint(1, 8)
    elif data:
        at = rng.randrange(len(data))
        data[at : at + rng.randint(1, 512)] = os.urandom(rng.randint(1, 512))
    return bytes(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "docproc"))
    ap.add_argument("--corpus", default=os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus")))
    ap.add_argument("--mutants", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", default="10")
    ap.add_argument("--keep", help="keep the tree in this directory")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="docproc-robust-")
    tree = os.path.join(work, "in")
    originals = []
    with open(os.path.join(args.corpus, "manifest.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["split"] != "dev" or row["format"] not in ("pdf", "docx", "txt"):
                continue
            src = os.path.join(args.corpus, row["local_path"])
            if not os.path.isfile(src):
                continue
            dst = os.path.join(tree, "corpus", row["local_path"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            originals.append(src)
    originals.sort()
    for i in range(args.mutants):
        src = rng.choice(originals)
        with open(src, "rb") as f:
            data = mutate(f.read(), rng)
        dst = os.path.join(tree, "mutants", f"{i:04}-{os.path.basename(src)}")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
    out = os.path.join(work, "out")
    t0 = time.perf_counter()
    proc = subprocess.Popen([args.bin, "convert", tree, "-o", out, "-q", "--timeout", args.timeout],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    db = sqlite3.connect(os.path.join(out, ".docproc", "docproc.db"))
    total = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    print(f"{len(originals)} dev-split documents + {args.mutants} mutants (seed {args.seed}), --timeout {args.timeout}")
    print(f"exit {proc.returncode} in {wall:.1f} s; parent peak RSS {peak / 1024:.0f} MB; {total} documents recorded")
    for status, code, n in db.execute(
        "SELECT processing_status, coalesce(error_code, '-'), count(*) FROM documents GROUP BY 1, 2 ORDER BY 1, 3 DESC"
    ):
        print(f"  {status:10} {code:15} {n}")
    unfinished = db.execute(
        "SELECT count(*) FROM documents WHERE processing_status NOT IN ('completed', 'failed', 'skipped')"
    ).fetchone()[0]
    print(f"documents without a final status: {unfinished}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
