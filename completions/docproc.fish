# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_docproc_global_optspecs
    string join \n v/verbose log-format= config= no-config h/help V/version
end

function __fish_docproc_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_docproc_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_docproc_using_subcommand
    set -l cmd (__fish_docproc_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c docproc -n "__fish_docproc_needs_command" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_needs_command" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_needs_command" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_needs_command" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_needs_command" -s V -l version -d 'Print version'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "convert" -d 'Convert documents under PATHS to Markdown in an output directory'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "retry" -d 'Convert the documents that failed in earlier runs again'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "status" -d 'Totals by status and type, cache hit rate, success rate, the last run, sizes'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "list" -d 'List documents, filtered and paginated'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "show" -d 'Show one document: status, error, metadata, output and cache paths'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "stats" -d 'Throughput, cache hit rate, success rate, conversion times and failures over a period'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "gc" -d 'Remove outputs, cached Markdown and rows of documents whose source is gone'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "merge" -d 'Fold the databases of shards (convert --shard K/N) into the output\'s database'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "db" -d 'Back up, check or compact the database'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "export" -d 'Write every document and its metadata as JSON lines or CSV'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "config" -d 'Inspect docproc\'s configuration'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "generate" -d 'Write the man page and shell completions into a directory (for packagers)'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "worker" -d 'Serve conversions on stdin/stdout for a parent docproc (internal)'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l shard -d 'Convert only shard K of N (0-based): the documents whose path hashes to K; `auto` reads the batch engine\'s variables (Kubernetes, Slurm, AWS Batch, Cloud Run, Google Batch)' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l files-from -d 'Convert exactly the files listed in FILE, one path per line (relative to the PATH or absolute inside it); - reads standard input' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l files-from0 -d 'Like --files-from, with the paths separated by NUL bytes (find -print0)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s j -l jobs -d 'Number of documents converted at once [default: number of CPUs]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l include -d 'Only convert files whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l exclude -d 'Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l formats -d 'Convert exactly these formats; the others are ignored [default: every format that is on by default, or as [formats.NAME] enabled says]' -r -f -a "csv\t'CSV (.csv)'
doc\t'Word 97-2003 (binary) (.doc, .dot)'
docx\t'Word (OOXML) (.docx, .docm, .dotx, .dotm)'
eml\t'e-mail (RFC 5322/MIME) (.eml)'
epub\t'EPUB (.epub)'
html\t'HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)'
image\t'image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)'
ipynb\t'Jupyter notebook (.ipynb)'
json\t'JSON (data) (.json, .jsonl, .geojson); off by default'
md\t'Markdown (.md, .markdown, .mdown, .mkd, .mkdn)'
mhtml\t'MHTML web archive (.mht, .mhtml)'
msg\t'Outlook message (MSG) (.msg)'
odp\t'OpenDocument presentation (.odp, .otp, .fodp)'
ods\t'OpenDocument spreadsheet (.ods, .ots, .fods)'
odt\t'OpenDocument text (.odt, .ott, .fodt)'
pdf\t'PDF (.pdf)'
pptx\t'PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)'
rtf\t'Rich Text Format (.rtf)'
tsv\t'TSV (.tsv, .tab)'
txt\t'plain text (.txt, .text)'
xls\t'Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)'
xlsb\t'Excel binary (XLSB) (.xlsb)'
xlsx\t'Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)'
xml\t'XML (data) (.xml); off by default'
yaml\t'YAML (data) (.yaml, .yml); off by default'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l set -d 'Set an option of one format: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README\'s format table lists them); repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l page-markers -d 'Mark page and slide boundaries (PDF, PPTX, ODP) [default: comment]' -r -f -a "comment\t'An HTML comment `<!-- page N -->` before each page (invisible when rendered)'
none\t'No marker; pages are separated by a blank line'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l images -d 'Pictures (documents, slides, web pages, e-books, e-mail, notebooks): written beside the Markdown (NAME_files/) and linked, or only their alt text [default: extract]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l attachments -d 'Attachments of e-mail (EML, MSG): written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size [default: none]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l isolation -d 'Where conversions run: in supervised worker processes, or inside docproc (trusted input)' -r -f -a "process\t'Each conversion in a worker process with a timeout and a memory cap'
none\t'Conversions in docproc\'s own threads: a little faster, for trusted input only'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l timeout -d 'Seconds one document may take before its worker is killed (code timeout; 0: no limit; ten times as long for scans and images that OCR reads) [default: 60]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-memory -d 'Memory (address space) each worker may use, e.g. 2G (code out_of_memory) [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l retries -d 'Times a document that failed for a transient reason (io, crashed) is tried again [default: 2]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l wait -d 'Wait up to SECONDS for another run on the same database to finish [default: 0: exit 2 at once]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-file-size -d 'Larger files fail with resource_limit without being read [default: 1G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-pages -d 'PDFs with more pages fail with resource_limit [default: 50000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-output-size -d 'Documents whose Markdown would be larger fail with resource_limit [default: 512M]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-unzipped-size -d 'Zip containers (DOCX) that would inflate to more fail with resource_limit [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-zip-ratio -d 'Zip containers inflating to over 100 MiB at a higher compression ratio fail [default: 200]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l max-xml-depth -d 'XML nested deeper fails with resource_limit [default: 1000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l ocr -d 'OCR of scanned pages and images with Tesseract: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) [default: auto]' -r -f -a "auto\t'Pages without a text layer that paint an image over much of the page, and image files'
off\t'No OCR: scans are flagged needs_ocr'
force\t'Every page, ignoring the text layer (for PDFs whose text layer is garbage)'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l ocr-lang -d 'Tesseract languages, joined with + (eng+deu) [default: eng]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l ocr-dpi -d 'Resolution PDF pages are rendered at for OCR [default: 300]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l ocr-timeout -d 'Seconds Tesseract may spend on one page before the page fails (0: no limit) [default: 120]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l tesseract -d 'The tesseract program [default: tesseract on PATH]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l events -d 'Append one JSON line per document event to FILE (\'-\' for stdout)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l hidden -d 'Also walk hidden files and directories (names starting with \'.\')'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s L -l follow-symlinks -d 'Follow symbolic links to files and directories'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l force -d 'Convert every document again, ignoring the cache'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l rehash -d 'Hash every file again instead of trusting unchanged size, mtime and inode'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l retry-failed -d 'Try again documents that failed in an earlier run with the same content'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l front-matter -d 'Start each document\'s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l json -d 'Print the run report as JSON on stdout'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l no-progress -d 'Never show the progress bar (it is only shown when stderr is a terminal)'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s q -l quiet -d 'Print nothing but failures: no progress bar, no summary'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l error-code -d 'Only retry documents that failed with this error code (e.g. io, corrupt); repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s j -l jobs -d 'Number of documents converted at once [default: number of CPUs]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l include -d 'Only convert files whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l exclude -d 'Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l formats -d 'Convert exactly these formats; the others are ignored [default: every format that is on by default, or as [formats.NAME] enabled says]' -r -f -a "csv\t'CSV (.csv)'
doc\t'Word 97-2003 (binary) (.doc, .dot)'
docx\t'Word (OOXML) (.docx, .docm, .dotx, .dotm)'
eml\t'e-mail (RFC 5322/MIME) (.eml)'
epub\t'EPUB (.epub)'
html\t'HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)'
image\t'image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)'
ipynb\t'Jupyter notebook (.ipynb)'
json\t'JSON (data) (.json, .jsonl, .geojson); off by default'
md\t'Markdown (.md, .markdown, .mdown, .mkd, .mkdn)'
mhtml\t'MHTML web archive (.mht, .mhtml)'
msg\t'Outlook message (MSG) (.msg)'
odp\t'OpenDocument presentation (.odp, .otp, .fodp)'
ods\t'OpenDocument spreadsheet (.ods, .ots, .fods)'
odt\t'OpenDocument text (.odt, .ott, .fodt)'
pdf\t'PDF (.pdf)'
pptx\t'PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)'
rtf\t'Rich Text Format (.rtf)'
tsv\t'TSV (.tsv, .tab)'
txt\t'plain text (.txt, .text)'
xls\t'Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)'
xlsb\t'Excel binary (XLSB) (.xlsb)'
xlsx\t'Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)'
xml\t'XML (data) (.xml); off by default'
yaml\t'YAML (data) (.yaml, .yml); off by default'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l set -d 'Set an option of one format: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README\'s format table lists them); repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l page-markers -d 'Mark page and slide boundaries (PDF, PPTX, ODP) [default: comment]' -r -f -a "comment\t'An HTML comment `<!-- page N -->` before each page (invisible when rendered)'
none\t'No marker; pages are separated by a blank line'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l images -d 'Pictures (documents, slides, web pages, e-books, e-mail, notebooks): written beside the Markdown (NAME_files/) and linked, or only their alt text [default: extract]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l attachments -d 'Attachments of e-mail (EML, MSG): written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size [default: none]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l isolation -d 'Where conversions run: in supervised worker processes, or inside docproc (trusted input)' -r -f -a "process\t'Each conversion in a worker process with a timeout and a memory cap'
none\t'Conversions in docproc\'s own threads: a little faster, for trusted input only'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l timeout -d 'Seconds one document may take before its worker is killed (code timeout; 0: no limit; ten times as long for scans and images that OCR reads) [default: 60]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-memory -d 'Memory (address space) each worker may use, e.g. 2G (code out_of_memory) [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l retries -d 'Times a document that failed for a transient reason (io, crashed) is tried again [default: 2]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l wait -d 'Wait up to SECONDS for another run on the same database to finish [default: 0: exit 2 at once]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-file-size -d 'Larger files fail with resource_limit without being read [default: 1G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-pages -d 'PDFs with more pages fail with resource_limit [default: 50000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-output-size -d 'Documents whose Markdown would be larger fail with resource_limit [default: 512M]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-unzipped-size -d 'Zip containers (DOCX) that would inflate to more fail with resource_limit [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-zip-ratio -d 'Zip containers inflating to over 100 MiB at a higher compression ratio fail [default: 200]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l max-xml-depth -d 'XML nested deeper fails with resource_limit [default: 1000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l ocr -d 'OCR of scanned pages and images with Tesseract: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) [default: auto]' -r -f -a "auto\t'Pages without a text layer that paint an image over much of the page, and image files'
off\t'No OCR: scans are flagged needs_ocr'
force\t'Every page, ignoring the text layer (for PDFs whose text layer is garbage)'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l ocr-lang -d 'Tesseract languages, joined with + (eng+deu) [default: eng]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l ocr-dpi -d 'Resolution PDF pages are rendered at for OCR [default: 300]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l ocr-timeout -d 'Seconds Tesseract may spend on one page before the page fails (0: no limit) [default: 120]' -r
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l tesseract -d 'The tesseract program [default: tesseract on PATH]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l events -d 'Append one JSON line per document event to FILE (\'-\' for stdout)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l hidden -d 'Also walk hidden files and directories (names starting with \'.\')'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s L -l follow-symlinks -d 'Follow symbolic links to files and directories'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l force -d 'Convert every document again, ignoring the cache'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l rehash -d 'Hash every file again instead of trusting unchanged size, mtime and inode'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l retry-failed -d 'Try again documents that failed in an earlier run with the same content'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l front-matter -d 'Start each document\'s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l json -d 'Print the run report as JSON on stdout'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l no-progress -d 'Never show the progress bar (it is only shown when stderr is a terminal)'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s q -l quiet -d 'Print nothing but failures: no progress bar, no summary'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand status" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand status" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand status" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand status" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand status" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand status" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand status" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand status" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand list" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand list" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand list" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand list" -l status -d 'Only documents with this processing status' -r -f -a "pending\t''
processing\t''
completed\t''
failed\t''
skipped\t''"
complete -c docproc -n "__fish_docproc_using_subcommand list" -l type -d 'Only documents of this format (as converted: a rerouted file counts as what it is)' -r -f -a "csv\t'CSV (.csv)'
doc\t'Word 97-2003 (binary) (.doc, .dot)'
docx\t'Word (OOXML) (.docx, .docm, .dotx, .dotm)'
eml\t'e-mail (RFC 5322/MIME) (.eml)'
epub\t'EPUB (.epub)'
html\t'HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)'
image\t'image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)'
ipynb\t'Jupyter notebook (.ipynb)'
json\t'JSON (data) (.json, .jsonl, .geojson); off by default'
md\t'Markdown (.md, .markdown, .mdown, .mkd, .mkdn)'
mhtml\t'MHTML web archive (.mht, .mhtml)'
msg\t'Outlook message (MSG) (.msg)'
odp\t'OpenDocument presentation (.odp, .otp, .fodp)'
ods\t'OpenDocument spreadsheet (.ods, .ots, .fods)'
odt\t'OpenDocument text (.odt, .ott, .fodt)'
pdf\t'PDF (.pdf)'
pptx\t'PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)'
rtf\t'Rich Text Format (.rtf)'
tsv\t'TSV (.tsv, .tab)'
txt\t'plain text (.txt, .text)'
xls\t'Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)'
xlsb\t'Excel binary (XLSB) (.xlsb)'
xlsx\t'Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)'
xml\t'XML (data) (.xml); off by default'
yaml\t'YAML (data) (.yaml, .yml); off by default'"
complete -c docproc -n "__fish_docproc_using_subcommand list" -l error-code -d 'Only documents with this error (or warning) code, e.g. corrupt, needs_ocr' -r
complete -c docproc -n "__fish_docproc_using_subcommand list" -l since -d 'Only documents processed since TIME: RFC 3339 ("2026-11-27T06:00:00Z") or an age ("24h")' -r
complete -c docproc -n "__fish_docproc_using_subcommand list" -l page -d 'Page to show, from 1' -r
complete -c docproc -n "__fish_docproc_using_subcommand list" -l limit -d 'Documents per page (at most 100)' -r
complete -c docproc -n "__fish_docproc_using_subcommand list" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand list" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand list" -l json -d 'Print {"data": [...], "pagination": {...}} as JSON'
complete -c docproc -n "__fish_docproc_using_subcommand list" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand list" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand show" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand show" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand show" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand show" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand show" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand show" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand show" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand show" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand stats" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l since -d 'The period: since TIME, RFC 3339 or an age ("7d")' -r
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l format -d 'Output format' -r -f -a "text\t''
json\t''
prometheus\t'Prometheus text exposition format (node_exporter textfile collector)'"
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l to -d 'Write to FILE (atomically: a reader never sees half of it) instead of stdout' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand stats" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand stats" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand gc" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l older-than -d 'Only remove what has not been seen or used for DURATION ("30d"); also prunes the run history older than that' -r
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand gc" -s n -l dry-run -d 'Report what would be removed without removing anything'
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand gc" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand gc" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand merge" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l allow-partial -d 'Merge the shards there are, even when some of the plan\'s shards are missing'
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand merge" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand merge" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -f -a "backup" -d 'Copy the database to FILE with SQLite\'s online backup (safe while a run is going)'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -f -a "check" -d 'Check the database\'s integrity and the state\'s invariants; exit 1 on a problem'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -f -a "vacuum" -d 'Rebuild the database file to reclaim free space (waits for no run: fails if one is going)'
complete -c docproc -n "__fish_docproc_using_subcommand db; and not __fish_seen_subcommand_from backup check vacuum help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l json -d 'Print JSON instead of text'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from vacuum" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Copy the database to FILE with SQLite\'s online backup (safe while a run is going)'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the database\'s integrity and the state\'s invariants; exit 1 on a problem'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "vacuum" -d 'Rebuild the database file to reclaim free space (waits for no run: fails if one is going)'
complete -c docproc -n "__fish_docproc_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand export" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand export" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand export" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand export" -l format -d 'Output format' -r -f -a "jsonl\t'One JSON object per line'
csv\t'RFC 4180 CSV with a header row; metadata as a JSON object in one column'"
complete -c docproc -n "__fish_docproc_using_subcommand export" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand export" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand export" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand export" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print the effective configuration of \'docproc convert\' and where each value comes from'
complete -c docproc -n "__fish_docproc_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Directory the Markdown tree is written to (created if missing by convert)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s j -l jobs -d 'Number of documents converted at once [default: number of CPUs]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l include -d 'Only convert files whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l exclude -d 'Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l formats -d 'Convert exactly these formats; the others are ignored [default: every format that is on by default, or as [formats.NAME] enabled says]' -r -f -a "csv\t'CSV (.csv)'
doc\t'Word 97-2003 (binary) (.doc, .dot)'
docx\t'Word (OOXML) (.docx, .docm, .dotx, .dotm)'
eml\t'e-mail (RFC 5322/MIME) (.eml)'
epub\t'EPUB (.epub)'
html\t'HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)'
image\t'image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)'
ipynb\t'Jupyter notebook (.ipynb)'
json\t'JSON (data) (.json, .jsonl, .geojson); off by default'
md\t'Markdown (.md, .markdown, .mdown, .mkd, .mkdn)'
mhtml\t'MHTML web archive (.mht, .mhtml)'
msg\t'Outlook message (MSG) (.msg)'
odp\t'OpenDocument presentation (.odp, .otp, .fodp)'
ods\t'OpenDocument spreadsheet (.ods, .ots, .fods)'
odt\t'OpenDocument text (.odt, .ott, .fodt)'
pdf\t'PDF (.pdf)'
pptx\t'PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)'
rtf\t'Rich Text Format (.rtf)'
tsv\t'TSV (.tsv, .tab)'
txt\t'plain text (.txt, .text)'
xls\t'Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)'
xlsb\t'Excel binary (XLSB) (.xlsb)'
xlsx\t'Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)'
xml\t'XML (data) (.xml); off by default'
yaml\t'YAML (data) (.yaml, .yml); off by default'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l set -d 'Set an option of one format: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README\'s format table lists them); repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l page-markers -d 'Mark page and slide boundaries (PDF, PPTX, ODP) [default: comment]' -r -f -a "comment\t'An HTML comment `<!-- page N -->` before each page (invisible when rendered)'
none\t'No marker; pages are separated by a blank line'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l images -d 'Pictures (documents, slides, web pages, e-books, e-mail, notebooks): written beside the Markdown (NAME_files/) and linked, or only their alt text [default: extract]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l attachments -d 'Attachments of e-mail (EML, MSG): written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size [default: none]' -r -f -a "extract\t'Write them into NAME_files/ beside the Markdown and link them'
none\t'Write no files; keep only the alt text'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l isolation -d 'Where conversions run: in supervised worker processes, or inside docproc (trusted input)' -r -f -a "process\t'Each conversion in a worker process with a timeout and a memory cap'
none\t'Conversions in docproc\'s own threads: a little faster, for trusted input only'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds one document may take before its worker is killed (code timeout; 0: no limit; ten times as long for scans and images that OCR reads) [default: 60]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-memory -d 'Memory (address space) each worker may use, e.g. 2G (code out_of_memory) [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'Times a document that failed for a transient reason (io, crashed) is tried again [default: 2]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l wait -d 'Wait up to SECONDS for another run on the same database to finish [default: 0: exit 2 at once]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-file-size -d 'Larger files fail with resource_limit without being read [default: 1G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-pages -d 'PDFs with more pages fail with resource_limit [default: 50000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-output-size -d 'Documents whose Markdown would be larger fail with resource_limit [default: 512M]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-unzipped-size -d 'Zip containers (DOCX) that would inflate to more fail with resource_limit [default: 2G]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-zip-ratio -d 'Zip containers inflating to over 100 MiB at a higher compression ratio fail [default: 200]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l max-xml-depth -d 'XML nested deeper fails with resource_limit [default: 1000]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l ocr -d 'OCR of scanned pages and images with Tesseract: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) [default: auto]' -r -f -a "auto\t'Pages without a text layer that paint an image over much of the page, and image files'
off\t'No OCR: scans are flagged needs_ocr'
force\t'Every page, ignoring the text layer (for PDFs whose text layer is garbage)'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l ocr-lang -d 'Tesseract languages, joined with + (eng+deu) [default: eng]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l ocr-dpi -d 'Resolution PDF pages are rendered at for OCR [default: 300]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l ocr-timeout -d 'Seconds Tesseract may spend on one page before the page fails (0: no limit) [default: 120]' -r
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l tesseract -d 'The tesseract program [default: tesseract on PATH]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l events -d 'Append one JSON line per document event to FILE (\'-\' for stdout)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l hidden -d 'Also walk hidden files and directories (names starting with \'.\')'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s L -l follow-symlinks -d 'Follow symbolic links to files and directories'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l force -d 'Convert every document again, ignoring the cache'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l rehash -d 'Hash every file again instead of trusting unchanged size, mtime and inode'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l retry-failed -d 'Try again documents that failed in an earlier run with the same content'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l front-matter -d 'Start each document\'s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print the run report as JSON on stdout'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l no-progress -d 'Never show the progress bar (it is only shown when stderr is a terminal)'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but failures: no progress bar, no summary'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective configuration of \'docproc convert\' and where each value comes from'
complete -c docproc -n "__fish_docproc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand generate" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand generate" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand generate" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand generate" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand worker" -l max-memory -d 'Address space limit of this process, in bytes' -r
complete -c docproc -n "__fish_docproc_using_subcommand worker" -l log-format -d 'Format of log and failure lines on stderr' -r -f -a "human\t'`docproc: <path>: <message>` lines for people'
json\t'One JSON object per line: {"timestamp", "level", "service", "message", "context"}'"
complete -c docproc -n "__fish_docproc_using_subcommand worker" -l config -d 'Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand worker" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand worker" -l no-config -d 'Read no configuration file'
complete -c docproc -n "__fish_docproc_using_subcommand worker" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "convert" -d 'Convert documents under PATHS to Markdown in an output directory'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "retry" -d 'Convert the documents that failed in earlier runs again'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "status" -d 'Totals by status and type, cache hit rate, success rate, the last run, sizes'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "list" -d 'List documents, filtered and paginated'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "show" -d 'Show one document: status, error, metadata, output and cache paths'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "stats" -d 'Throughput, cache hit rate, success rate, conversion times and failures over a period'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "gc" -d 'Remove outputs, cached Markdown and rows of documents whose source is gone'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "merge" -d 'Fold the databases of shards (convert --shard K/N) into the output\'s database'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "db" -d 'Back up, check or compact the database'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "export" -d 'Write every document and its metadata as JSON lines or CSV'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "config" -d 'Inspect docproc\'s configuration'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "generate" -d 'Write the man page and shell completions into a directory (for packagers)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "worker" -d 'Serve conversions on stdin/stdout for a parent docproc (internal)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert retry status list show stats gc merge db export config generate worker help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backup" -d 'Copy the database to FILE with SQLite\'s online backup (safe while a run is going)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "check" -d 'Check the database\'s integrity and the state\'s invariants; exit 1 on a problem'
complete -c docproc -n "__fish_docproc_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "vacuum" -d 'Rebuild the database file to reclaim free space (waits for no run: fails if one is going)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration of \'docproc convert\' and where each value comes from'
