#!/usr/bin/env python3
"""docproc's OCR beside Tesseract alone, on the same pages with the same parallelism.

Makes scanned copies of the corpus's known-text PDFs (../shared/tools/make_scans.py: 150 dpi gray
JPEG pages, no text layer) unless --scans names a directory of them, then times, best of --runs:

  tesseract   the pages rendered beforehand (pdftoppm -r DPI -gray, outside the timing; --dpi, 200:
              what docproc renders make_scans.py's 150 dpi scans at), each read
              by `tesseract PAGE - --psm 3 tsv` with OMP_THREAD_LIMIT=1, --jobs at a time
              (what docproc asks of Tesseract, without anything around it)
  docproc     `docproc convert SCANS -o OUT --jobs N`: rendering (hayro), Tesseract, the
              orientation checks, layout, hashing, SQLite, writing

and reports pages/s, the ratio docproc/tesseract (target: within 1.3x) and docproc's peak RSS
(its own process tree, from /usr/bin/time). Needs tesseract, pdftoppm and /usr/bin/time.

Usage: cargo build --release && python3 benches/ocr.py [--scans DIR] [--jobs 2] [--runs 2] [--limit N]
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "docproc"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="at most this many scanned PDFs")
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="docproc-ocr-bench-")
    try:
        scans = args.scans
        if not scans:
            scans = os.path.join(work, "scans")
            subprocess.run([sys.executable, os.path.join(SHARED, "tools", "make_scans.py"), "make", scans],
                           check=True, stdout=subprocess.DEVNULL)
        pdfs = sorted(glob.glob(os.path.join(scans, "*.scan.pdf")))
        if args.limit:
            pdfs = pdfs[:args.limit]
        tree = os.path.join(work, "tree")
        os.makedirs(tree)
        for p in pdfs:
            shutil.copy(p, tree)
        pages_dir = os.path.join(work, "pages")
        os.makedirs(pages_dir)
        for p in pdfs:
            stem = os.path.join(pages_dir, os.path.basename(p)[:-4])
            subprocess.run(["pdftoppm", "-r", str(args.dpi), "-gray", p, stem], check=True)
        pages = sorted(glob.glob(os.path.join(pages_dir, "*.pgm")))
        env = dict(os.environ, OMP_THREAD_LIMIT="1")

        def tesseract_alone():
            def one(page):
                subprocess.run(["tesseract", page, "-", "--psm", "3", "--dpi", str(args.dpi), "tsv"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
                list(pool.map(one, pages))

        rss = [0]

        def docproc():
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.run(["/usr/bin/time", "-f", "%M", args.bin, "convert", tree, "-o", out,
                                   "--jobs", str(args.jobs), "-q"], capture_output=True, text=True)
            numbers = re.findall(r"^(\d+)$", proc.stderr, re.M)
            if numbers:
                rss[0] = max(rss[0], int(numbers[-1]))

        def best(fn):
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            return min(times)

        t_tess = best(tesseract_alone)
        t_doc = best(docproc)
        n = len(pages)
        print(f"## OCR: {len(pdfs)} scanned PDFs, {n} pages, {args.jobs} jobs, best of {args.runs}")
        print(f"{'engine':40} {'seconds':>8} {'pages/s':>8}")
        print(f"{'tesseract alone (pre-rendered pages)':40} {t_tess:8.2f} {n / t_tess:8.2f}")
        print(f"{'docproc convert':40} {t_doc:8.2f} {n / t_doc:8.2f}")
        print(f"docproc / tesseract: {t_doc / t_tess:.2f}x (target <= 1.3x); "
              f"docproc peak RSS (largest process) {rss[0] / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
