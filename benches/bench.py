#!/usr/bin/env python3
"""docproc benchmarks: cold conversion of a corpus and a warm rerun of 10,000 unchanged files.

Every number is measured in this run, on this machine, beside a baseline measured the same way:

  cold   docproc over a copy of the corpus (default ../shared/corpus), then pdftotext on its PDFs
         and pandoc on its DOCX files (when installed), each with as many parallel workers as
         docproc has threads; the report gives documents/s, MB/s and the ratio docproc/peer.
  warm   a generated tree of 10,000 small text files, converted once, then converted again with
         nothing changed; the baseline is walking and stat-ing the same tree with find(1).
  isolation  what worker processes cost: 2,000 small text files (and the corpus) converted cold
         with --isolation process (the default) and --isolation none; the difference per document.

Usage: cargo build --release && python3 benches/bench.py [--corpus DIR] [--bin PATH] [--runs N]
"""
import argparse
import concurrent.futures
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FORMATS = {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".dotm": "docx", ".txt": "txt", ".text": "txt"}


def timed(cmd, **kw):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0, proc.returncode


def stage(corpus, dest, only=None):
    """Hard-links (or copies) the corpus's documents into dest; returns {format: [paths]}. With
    `only` (an extension such as ".docx"), just the files a peer reads too."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            ext = os.path.splitext(name)[1].lower()
            fmt = FORMATS.get(ext)
            if not fmt or (only and ext != only) or name.startswith("."):
                continue
            src = os.path.join(dirpath, name)
            dst = os.path.join(dest, os.path.relpath(src, corpus))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            files.setdefault(fmt, []).append(dst)
    return files


def peer_parallel(cmds, workers):
    """Runs one process per file with `workers` at a time; returns (wall time, files that took
    longer than 60 s and were stopped)."""
    def one(cmd):
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            return 0
        except subprocess.TimeoutExpired:
            return 1
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        stopped = sum(pool.map(one, cmds))
    return time.perf_counter() - t0, stopped


def mb(paths):
    return sum(os.path.getsize(p) for p in paths) / 1e6


def cold(args, work):
    print(f"## cold conversion of {args.corpus}")
    for fmt, peer in (("pdf", "pdftotext"), ("docx", "pandoc"), (None, None)):
        src = os.path.join(work, f"cold-{fmt or 'all'}")
        files = stage(args.corpus, src, only=fmt and "." + fmt)
        paths = [p for ps in files.values() for p in ps]
        if not paths:
            continue
        out = os.path.join(work, f"cold-{fmt or 'all'}-out")
        wall, code = timed([args.bin, "convert", src, "-o", out, "-q", "--jobs", str(args.jobs)])
        label = fmt or "all formats"
        print(f"docproc  {label:12} {len(paths):5} files {mb(paths):7.1f} MB  {wall:6.2f} s  "
              f"{len(paths) / wall:7.1f} docs/s  {mb(paths) / wall:6.2f} MB/s  (exit {code})")
        if peer and shutil.which(peer):
            peer_out = os.path.join(work, f"peer-{fmt}")
            os.makedirs(peer_out, exist_ok=True)
            if peer == "pdftotext":
                cmds = [["pdftotext", "-enc", "UTF-8", p, os.path.join(peer_out, f"{i}.txt")] for i, p in enumerate(paths)]
            else:
                cmds = [["pandoc", p, "-t", "gfm", "-o", os.path.join(peer_out, f"{i}.md")] for i, p in enumerate(paths)]
            peer_wall, stopped = peer_parallel(cmds, args.jobs)
            print(f"{peer:8} {label:12} {len(paths):5} files {mb(paths):7.1f} MB  {peer_wall:6.2f} s  "
                  f"{len(paths) / peer_wall:7.1f} docs/s  {mb(paths) / peer_wall:6.2f} MB/s"
                  + (f"  ({stopped} stopped after 60 s)" if stopped else ""))
            print(f"ratio docproc/{peer} time: {wall / peer_wall:.2f} (below 1: docproc is faster)")
        elif peer:
            print(f"({peer} not installed: no baseline for {fmt})")


def small_text_tree(tree, n):
    """n small text files, 100 per directory; returns the tree's path."""
    for i in range(n):
        d = os.path.join(tree, f"d{i // 100:03}")
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05}.txt"), "w") as f:
            f.write(f"Document {i}.\n\nA short paragraph of text for the benchmark.\n")
    return tree


def warm(args, work):
    n = args.files
    tree = small_text_tree(os.path.join(work, "warm"), n)
    out = os.path.join(work, "warm-out")
    first, code = timed([args.bin, "convert", tree, "-o", out, "-q", "--jobs", str(args.jobs)])
    # Let the racy-file window pass, so that the warm runs may trust the stored hashes.
    time.sleep(2.5)
    subprocess.run([args.bin, "convert", tree, "-o", out, "-q"], stdout=subprocess.DEVNULL)
    runs = [timed([args.bin, "convert", tree, "-o", out, "-q", "--jobs", str(args.jobs)])[0] for _ in range(args.runs)]
    walks = [timed(["find", tree, "-type", "f", "-printf", "%s %T@ %i\n"])[0] for _ in range(args.runs)]
    warm_t, walk_t = statistics.median(runs), statistics.median(walks)
    print(f"## warm rerun of {n} unchanged files (median of {args.runs})")
    print(f"docproc first run        {first:6.3f} s  (exit {code})")
    print(f"docproc warm rerun       {warm_t:6.3f} s")
    print(f"find -printf (walk+stat) {walk_t:6.3f} s")
    print(f"beyond walking the tree  {warm_t - walk_t:6.3f} s  ({(warm_t - walk_t) / n * 1e6:.1f} µs per file)")


def isolation(args, work):
    n = 2000
    tree = small_text_tree(os.path.join(work, "iso"), n)
    inputs = [("2000 small text files", tree, n)]
    if os.path.isdir(args.corpus) and not args.skip_cold:
        staged = os.path.join(work, "iso-corpus")
        files = stage(args.corpus, staged)
        inputs.append(("the corpus", staged, sum(len(v) for v in files.values())))
    print("## isolation: worker processes vs in-process (median of 3 cold runs)")
    for label, src, count in inputs:
        medians = {}
        for mode in ("process", "none"):
            times = []
            for r in range(3):
                out = os.path.join(work, f"iso-out-{mode}-{r}")
                t, _ = timed([args.bin, "convert", src, "-o", out, "-q", "--jobs", str(args.jobs), "--isolation", mode])
                shutil.rmtree(out, ignore_errors=True)
                times.append(t)
            medians[mode] = statistics.median(times)
        cost = (medians["process"] - medians["none"]) / count * 1e6
        print(f"{label:22} ({count} documents): process {medians['process']:.3f} s, none {medians['none']:.3f} s, "
              f"ratio {medians['process'] / medians['none']:.2f}, {cost:.0f} µs per document")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "docproc"))
    ap.add_argument("--corpus", default=os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus")))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--workdir", help="where to build the trees (default: /dev/shm when writable)")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"bench: no binary at {args.bin}; run `cargo build --release` first")
    print(f"docproc {subprocess.run([args.bin, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{args.jobs} jobs, {os.cpu_count()} CPUs")
    # tmpfs when there is one: the file system's own latency (overlay file systems in containers
    # take milliseconds per file creation) would otherwise drown what is measured.
    base = args.workdir or ("/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None)
    print(f"working in {base or tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory(prefix="docproc-bench-", dir=base) as work:
        if not args.skip_cold:
            if os.path.isdir(args.corpus):
                cold(args, work)
            else:
                print(f"(no corpus at {args.corpus}: cold benchmark skipped; give one with --corpus)")
        warm(args, work)
        isolation(args, work)


if __name__ == "__main__":
    main()
