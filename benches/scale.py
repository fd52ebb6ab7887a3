#!/usr/bin/env python3
"""docproc on big trees: a million files cold and warm, and 100,000 tiny files, beside find and cp.

Generates, on a tmpfs (--dir, default /dev/shm) so that the disk does not decide:

  big    --files small text files (default 1,000,000) in 10 x 10 x 10 directories (0-600 bytes,
         each with its own words)
  tiny   --tiny files (default 100,000) of a few bytes in 100 directories

and reports, in one run:

  cold       `docproc convert big -o OUT --jobs N`: time, documents/s, peak RSS
  warm       the same command again (nothing changed), beside `find big -type f -printf
             '%s %T@ %i\\n'` (the stat walk a rerun cannot avoid): best of --runs each, the ratio
             (target <= 2x) and docproc's peak RSS (target <= 100 MiB)
  database   bytes per document of OUT/.docproc/docproc.db
  tiny       `docproc convert tiny` cold with --jobs 1 and --jobs 2 (fresh output each time),
             beside `cp -r tiny COPY`: best of --runs, the ratio (target <= 4x)

Peak RSS is the largest resident set of docproc's process tree (/usr/bin/time -f %M: the
largest of the process and its waited-for children).

Usage: cargo build --release && python3 benches/scale.py [--files 1000000] [--tiny 100000]
                                  [--jobs 2] [--runs 3] [--dir /dev/shm] [--keep]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def make_big(root, files):
    per_dir = max(1, files // 1000)
    made = 0
    for a in range(10):
        for b in range(10):
            for c in range(10):
                d = os.path.join(root, f"a{a}", f"b{b}", f"c{c}")
                os.makedirs(d, exist_ok=True)
                for i in range(per_dir):
                    if made >= files:
                        return made
                    n = made
                    words = " ".join(f"w{(n * 7 + k) % 9973}" for k in range(n % 60))
                    with open(os.path.join(d, f"doc{i:04}.txt"), "w") as f:
                        f.write(f"Document {n}\n\n{words}\n")
                    made += 1
    return made


def make_tiny(root, files):
    for i in range(files):
        d = os.path.join(root, f"d{i % 100:02}")
        if i < 100:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"t{i:06}.txt"), "w") as f:
            f.write(f"t{i}\n")


def timed(cmd, **kw):
    """(seconds, peak RSS in KiB) of one run of cmd."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, **kw)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    rss = int(p.stderr.strip().splitlines()[-1])
    return elapsed, rss


def best(runs, fn):
    results = [fn() for _ in range(runs)]
    return min(results, key=lambda r: r[0]), results


def mib(kib):
    return kib / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "docproc"))
    ap.add_argument("--files", type=int, default=1_000_000)
    ap.add_argument("--tiny", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/dev/shm")
    ap.add_argument("--keep", action="store_true", help="keep the generated trees")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-tiny", action="store_true")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="docproc-scale-", dir=args.dir)
    sync = lambda: os.sync()  # noqa: E731
    try:
        if not args.skip_big:
            big = os.path.join(work, "big")
            t = time.perf_counter()
            made = make_big(big, args.files)
            print(f"big tree: {made} files in {time.perf_counter() - t:.1f} s", flush=True)
            out = os.path.join(work, "big-out")
            cmd = [args.bin, "convert", big, "-o", out, "--jobs", str(args.jobs), "-q"]
            sync()
            cold_s, cold_rss = timed(cmd)
            print(f"cold: {cold_s:.1f} s, {made / cold_s:,.0f} documents/s, peak RSS {mib(cold_rss):.0f} MiB",
                  flush=True)
            find = ["find", big, "-type", "f", "-printf", "%s %T@ %i\\n"]
            (find_s, _), _ = best(args.runs, lambda: timed(find))
            (warm_s, warm_rss), warm_all = best(args.runs, lambda: timed(cmd))
            worst_rss = max(r for _, r in warm_all)
            print(f"warm: {warm_s:.2f} s (find -printf {find_s:.2f} s): {warm_s / find_s:.2f}x, "
                  f"peak RSS {mib(worst_rss):.0f} MiB", flush=True)
            db = os.path.join(out, ".docproc", "docproc.db")
            size = os.path.getsize(db)
            print(f"database: {size / 2**20:.0f} MiB, {size / made:.0f} bytes per document", flush=True)
            if not args.keep:
                shutil.rmtree(big)
                shutil.rmtree(out)
        if not args.skip_tiny:
            tiny = os.path.join(work, "tiny")
            make_tiny(tiny, args.tiny)
            print(f"tiny tree: {args.tiny} files", flush=True)

            def cp():
                dest = os.path.join(work, "tiny-copy")
                shutil.rmtree(dest, ignore_errors=True)
                sync()
                return timed(["cp", "-r", tiny, dest])

            def convert(jobs):
                def run():
                    dest = os.path.join(work, "tiny-out")
                    shutil.rmtree(dest, ignore_errors=True)
                    sync()
                    return timed([args.bin, "convert", tiny, "-o", dest, "--jobs", str(jobs), "-q"])
                return run

            (cp_s, _), _ = best(args.runs, cp)
            (one_s, one_rss), _ = best(args.runs, convert(1))
            (two_s, two_rss), _ = best(args.runs, convert(2))
            print(f"tiny cold: --jobs 1 {one_s:.2f} s, --jobs 2 {two_s:.2f} s (cp -r {cp_s:.2f} s): "
                  f"{one_s / cp_s:.1f}x and {two_s / cp_s:.1f}x; peak RSS {mib(max(one_rss, two_rss)):.0f} MiB",
                  flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()
