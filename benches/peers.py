#!/usr/bin/env python3
"""docproc beside Kreuzberg and MarkItDown on the same files, in one run, by group of formats.

  peers   every file of the group (--group office: PPTX, ODP, XLSX, XLS, XLSB, ODS, CSV, TSV;
          --group web: HTML, XHTML, MHTML, EPUB, EML, MSG, notebooks; --group documents: ODT,
          RTF, DOC, beside pandoc too, one process per file) in the corpus (default
          ../shared/corpus) and in fixtures/docs, converted cold to Markdown files in an empty
          directory on the same disk: by docproc (`--jobs N`; it also hashes, records every
          document in SQLite, fsyncs what it writes and converts in worker processes), by
          Kreuzberg's batch API (`batch_extract_files_sync` with `output_format="markdown"`, one
          Python process) and by MarkItDown (N Python worker processes, each converting its
          share). Times are end to end, interpreter start and imports included, best of --runs;
          the report gives documents/s and the ratio docproc/peer.
  big     (office) a generated workbook of 100,000 rows x 8 columns (numbers, text, dates, percentages),
          converted by docproc in-process (`--isolation none`) so that the peak RSS measured
          is the conversion's own.

The peers live in a virtual environment (default ~/.cache/docproc-bench/venv):
    python3 -m venv ~/.cache/docproc-bench/venv
    ~/.cache/docproc-bench/venv/bin/pip install kreuzberg 'markitdown[all]'
A peer that is not installed is skipped.

Usage: cargo build --release && python3 benches/peers.py [--group office|web|documents] [--corpus DIR]
       [--runs N] [--jobs N] [--dir DIR]
"""
import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GROUPS = {
    "office": ("slide and sheet", {".pptx", ".pptm", ".ppsx", ".potx", ".odp", ".xlsx", ".xlsm",
                                   ".xltx", ".xls", ".xlsb", ".ods", ".csv", ".tsv"}),
    "web": ("web page, e-book, notebook and e-mail", {".html", ".htm", ".xhtml", ".mht", ".mhtml",
                                                       ".epub", ".eml", ".msg", ".ipynb"}),
    "documents": ("ODT, RTF and Word 97-2003", {".odt", ".fodt", ".rtf", ".doc"}),
}


def run_pandoc(files, jobs, out):
    """pandoc, one process per file (as a batch script runs it), `jobs` at a time."""
    import concurrent.futures
    pandoc = shutil.which("pandoc")

    def one(item):
        i, path = item
        kind = {".odt": "odt", ".rtf": "rtf"}.get(os.path.splitext(path)[1].lower())
        if kind is None:
            return False
        proc = subprocess.run([pandoc, "-f", kind, "-t", "gfm", "-o", os.path.join(out, f"{i}.md"), path],
                              capture_output=True)
        return proc.returncode == 0

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        done = list(pool.map(one, enumerate(files)))
    return sum(done), len(done) - sum(done)

KREUZBERG = r"""
import os, sys, kreuzberg
paths = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
out = sys.argv[2]
config = kreuzberg.ExtractionConfig(output_format="markdown")
ok = failed = 0
def write(i, text):
    with open(os.path.join(out, f"{i}.md"), "w", encoding="utf-8") as f:
        f.write(text)
# One batch; a file that fails makes the batch raise, so the rest are retried one by one.
try:
    for i, r in enumerate(kreuzberg.batch_extract_files_sync(paths, config)):
        write(i, r.content)
        ok += 1
except Exception:
    ok = 0
    for i, p in enumerate(paths):
        try:
            write(i, kreuzberg.extract_file_sync(p, config).content)
            ok += 1
        except Exception:
            failed += 1
print(ok, failed)
"""

MARKITDOWN = r"""
import os, sys, concurrent.futures
paths = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
out = sys.argv[2]
jobs = int(sys.argv[3])

def work(chunk):
    from markitdown import MarkItDown
    md = MarkItDown()
    ok = failed = 0
    for i, p in chunk:
        try:
            text = md.convert(p).markdown
            with open(os.path.join(out, f"{i}.md"), "w", encoding="utf-8") as f:
                f.write(text)
            ok += 1
        except Exception:
            failed += 1
    return ok, failed

if __name__ == "__main__":
    numbered = list(enumerate(paths))
    chunks = [numbered[i::jobs] for i in range(jobs)]
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        done = list(pool.map(work, chunks))
    print(sum(d[0] for d in done), sum(d[1] for d in done))
"""


def stage(sources, dest, extensions):
    files = []
    for source in sources:
        if not os.path.isdir(source):
            continue
        for dirpath, dirnames, filenames in os.walk(source):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in sorted(filenames):
                if os.path.splitext(name)[1].lower() not in extensions:
                    continue
                src = os.path.join(dirpath, name)
                rel = os.path.relpath(src, source)
                dst = os.path.join(dest, os.path.basename(source.rstrip("/")), rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copyfile(src, dst)
                files.append(dst)
    return files


RUN_NUMBERS = itertools.count(1)


def best_of(runs, out, fn):
    """The best time of `runs` runs of fn(dir), each into a new empty directory beside `out`.
    Nothing is deleted while engines are timed (the work directory goes at the end): on an ext4
    without a journal, as on this benchmark's machine, inodes freed in the last 60 seconds are
    skipped one by one when a new one is allocated, so a run that follows a deleted output tree
    pays for every file that tree held, and more for each run before it. Writeback still
    pending from earlier runs is flushed outside the timing too: docproc flushes the file system
    before it records a document, and would otherwise pay for what ran before it."""
    times, result = [], None
    for _ in range(runs):
        run_dir = f"{out}-{next(RUN_NUMBERS)}"
        os.makedirs(run_dir)
        os.sync()
        t0 = time.perf_counter()
        result = fn(run_dir)
        times.append(time.perf_counter() - t0)
    return min(times), result


def run_docproc(binary, tree, jobs, out):
    proc = subprocess.run([binary, "convert", tree, "-o", out, "--jobs", str(jobs), "--json"],
                          capture_output=True, text=True)
    import json
    report = json.loads(proc.stdout)
    d = report["documents"]
    return d["converted"] + d["cached"], d["failed"]


def run_python(python, script, args):
    proc = subprocess.run([python, "-c", script] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    ok, failed = proc.stdout.split()[-2:]
    return int(ok), int(failed)


def write_big_xlsx(path, rows, cols=8):
    """A workbook of `rows` rows: inline strings, numbers with formats, dates."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    styles = (f'<styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="10"/></cellXfs></styleSheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", styles)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(f'<worksheet {ns}><sheetData>'.encode())
            head = "".join(f'<c t="inlineStr"><is><t>Column {c + 1}</t></is></c>' for c in range(cols))
            f.write(f"<row>{head}</row>".encode())
            for r in range(rows):
                cells = (f'<c t="inlineStr"><is><t>item {r}</t></is></c><c><v>{r}</v></c>'
                         f'<c s="1"><v>{r * 1.25}</v></c><c s="2"><v>{45000 + r % 3000}</v></c>'
                         f'<c s="3"><v>{(r % 100) / 100}</v></c>'
                         + "".join(f"<c><v>{(r * 7 + c) % 1000}</v></c>" for c in range(cols - 5)))
                f.write(f"<row>{cells}</row>".encode())
            f.write(b"</sheetData></worksheet>")


def peak_rss(cmd):
    """Runs cmd; returns (seconds, peak RSS in MiB) of that process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "docproc"))
    ap.add_argument("--venv", default=os.path.expanduser("~/.cache/docproc-bench/venv"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--group", choices=sorted(GROUPS), default="office")
    ap.add_argument("--dir", default=None,
                    help="where the staged inputs and the outputs go (default: the system's temporary "
                         "directory); /dev/shm takes the disk out of the comparison")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"no docproc binary at {args.bin}: run cargo build --release")
    python = os.path.join(args.venv, "bin", "python")
    label, extensions = GROUPS[args.group]
    with tempfile.TemporaryDirectory(prefix="docproc-peers-bench-", dir=args.dir) as work:
        tree = os.path.join(work, "in")
        files = stage([args.corpus, os.path.join(ROOT, "fixtures", "docs")], tree, extensions)
        by_ext = {}
        for f in files:
            by_ext[os.path.splitext(f)[1].lower()] = by_ext.get(os.path.splitext(f)[1].lower(), 0) + 1
        print(f"## {len(files)} {label} files ({', '.join(f'{n} {e}' for e, n in sorted(by_ext.items()))}), "
              f"{args.jobs} jobs, best of {args.runs}")
        listing = os.path.join(work, "files.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(files) + "\n")
        rows = []
        out = os.path.join(work, "out")
        t, (ok, failed) = best_of(args.runs, out, lambda o: run_docproc(args.bin, tree, args.jobs, o))
        rows.append(("docproc", t, ok, failed))
        if args.group == "documents" and shutil.which("pandoc"):
            t, result = best_of(args.runs, out, lambda o: run_pandoc(files, args.jobs, o))
            rows.append(("pandoc (process per file)", t, result[0], result[1]))
        for name, script, extra in (("kreuzberg (batch API)", KREUZBERG, []),
                                    ("markitdown", MARKITDOWN, [str(args.jobs)])):
            if not os.path.exists(python):
                print(f"{name}: no virtual environment at {args.venv}; skipped")
                continue
            t, result = best_of(args.runs, out,
                                lambda o: run_python(python, script, [listing, o] + extra))
            if result is None:
                print(f"{name}: not installed or crashed; skipped")
                continue
            rows.append((name, t, result[0], result[1]))
        base = rows[0][1]
        print(f"{'engine':24} {'seconds':>8} {'docs/s':>8} {'ok':>5} {'failed':>6} {'docproc is':>12}")
        for name, t, ok, failed in rows:
            ratio = "" if name == "docproc" else f"{t / base:.1f}x faster"
            print(f"{name:24} {t:8.2f} {len(files) / t:8.1f} {ok:5d} {failed:6d} {ratio:>12}")

        if args.group != "office":
            return
        print(f"\n## a {args.rows:,}-row workbook (8 columns), in-process")
        big = os.path.join(work, "big", "big.xlsx")
        os.makedirs(os.path.dirname(big))
        write_big_xlsx(big, args.rows)
        out = os.path.join(work, "big-out")
        seconds, rss, code = peak_rss([args.bin, "convert", os.path.dirname(big), "-o", out,
                                       "--isolation", "none", "--set", "xlsx.max-rows=2000000"])
        md = os.path.join(out, "big.xlsx.md")
        size = os.path.getsize(md) / 1e6 if os.path.exists(md) else 0
        print(f"{os.path.getsize(big) / 1e6:.1f} MB xlsx -> {size:.1f} MB Markdown in {seconds:.2f} s, "
              f"peak RSS {rss:.0f} MiB, exit {code}")


if __name__ == "__main__":
    main()
