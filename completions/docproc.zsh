#compdef docproc

autoload -U is-at-least

_docproc() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_docproc_commands" \
"*::: :->docproc" \
&& ret=0
    case $state in
    (docproc)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-command-$line[1]:"
        case $line[1] in
            (convert)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--shard=[Convert only shard K of N (0-based)\: the documents whose path hashes to K; \`auto\` reads the batch engine'\''s variables (Kubernetes, Slurm, AWS Batch, Cloud Run, Google Batch)]:K/N|auto:_default' \
'(--files-from0)--files-from=[Convert exactly the files listed in FILE, one path per line (relative to the PATH or absolute inside it); - reads standard input]:FILE:_files' \
'--files-from0=[Like --files-from, with the paths separated by NUL bytes (find -print0)]:FILE:_files' \
'-j+[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'--jobs=[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'*--include=[Only convert files whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--exclude=[Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--formats=[Convert exactly these formats; the others are ignored \[default\: every format that is on by default, or as \[formats.NAME\] enabled says\]]:FORMAT:((csv\:"CSV (.csv)"
doc\:"Word 97-2003 (binary) (.doc, .dot)"
docx\:"Word (OOXML) (.docx, .docm, .dotx, .dotm)"
eml\:"e-mail (RFC 5322/MIME) (.eml)"
epub\:"EPUB (.epub)"
html\:"HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)"
image\:"image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)"
ipynb\:"Jupyter notebook (.ipynb)"
json\:"JSON (data) (.json, .jsonl, .geojson); off by default"
md\:"Markdown (.md, .markdown, .mdown, .mkd, .mkdn)"
mhtml\:"MHTML web archive (.mht, .mhtml)"
msg\:"Outlook message (MSG) (.msg)"
odp\:"OpenDocument presentation (.odp, .otp, .fodp)"
ods\:"OpenDocument spreadsheet (.ods, .ots, .fods)"
odt\:"OpenDocument text (.odt, .ott, .fodt)"
pdf\:"PDF (.pdf)"
pptx\:"PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)"
rtf\:"Rich Text Format (.rtf)"
tsv\:"TSV (.tsv, .tab)"
txt\:"plain text (.txt, .text)"
xls\:"Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)"
xlsb\:"Excel binary (XLSB) (.xlsb)"
xlsx\:"Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)"
xml\:"XML (data) (.xml); off by default"
yaml\:"YAML (data) (.yaml, .yml); off by default"))' \
'*--set=[Set an option of one format\: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README'\''s format table lists them); repeatable]:NAME.KEY=VALUE:_default' \
'--page-markers=[Mark page and slide boundaries (PDF, PPTX, ODP) \[default\: comment\]]:STYLE:((comment\:"An HTML comment \`<!-- page N -->\` before each page (invisible when rendered)"
none\:"No marker; pages are separated by a blank line"))' \
'--images=[Pictures (documents, slides, web pages, e-books, e-mail, notebooks)\: written beside the Markdown (NAME_files/) and linked, or only their alt text \[default\: extract\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--attachments=[Attachments of e-mail (EML, MSG)\: written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size \[default\: none\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--isolation=[Where conversions run\: in supervised worker processes, or inside docproc (trusted input)]:MODE:((process\:"Each conversion in a worker process with a timeout and a memory cap"
none\:"Conversions in docproc'\''s own threads\: a little faster, for trusted input only"))' \
'--timeout=[Seconds one document may take before its worker is killed (code timeout; 0\: no limit; ten times as long for scans and images that OCR reads) \[default\: 60\]]:SECONDS:_default' \
'--max-memory=[Memory (address space) each worker may use, e.g. 2G (code out_of_memory) \[default\: 2G\]]:SIZE:_default' \
'--retries=[Times a document that failed for a transient reason (io, crashed) is tried again \[default\: 2\]]:N:_default' \
'--wait=[Wait up to SECONDS for another run on the same database to finish \[default\: 0\: exit 2 at once\]]:SECONDS:_default' \
'--max-file-size=[Larger files fail with resource_limit without being read \[default\: 1G\]]:SIZE:_default' \
'--max-pages=[PDFs with more pages fail with resource_limit \[default\: 50000\]]:N:_default' \
'--max-output-size=[Documents whose Markdown would be larger fail with resource_limit \[default\: 512M\]]:SIZE:_default' \
'--max-unzipped-size=[Zip containers (DOCX) that would inflate to more fail with resource_limit \[default\: 2G\]]:SIZE:_default' \
'--max-zip-ratio=[Zip containers inflating to over 100 MiB at a higher compression ratio fail \[default\: 200\]]:N:_default' \
'--max-xml-depth=[XML nested deeper fails with resource_limit \[default\: 1000\]]:N:_default' \
'--ocr=[OCR of scanned pages and images with Tesseract\: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) \[default\: auto\]]:MODE:((auto\:"Pages without a text layer that paint an image over much of the page, and image files"
off\:"No OCR\: scans are flagged needs_ocr"
force\:"Every page, ignoring the text layer (for PDFs whose text layer is garbage)"))' \
'--ocr-lang=[Tesseract languages, joined with + (eng+deu) \[default\: eng\]]:LANGS:_default' \
'--ocr-dpi=[Resolution PDF pages are rendered at for OCR \[default\: 300\]]:DPI:_default' \
'--ocr-timeout=[Seconds Tesseract may spend on one page before the page fails (0\: no limit) \[default\: 120\]]:SECONDS:_default' \
'--tesseract=[The tesseract program \[default\: tesseract on PATH\]]:PATH:_files' \
'--events=[Append one JSON line per document event to FILE ('\''-'\'' for stdout)]:FILE:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--hidden[Also walk hidden files and directories (names starting with '\''.'\'')]' \
'-L[Follow symbolic links to files and directories]' \
'--follow-symlinks[Follow symbolic links to files and directories]' \
'--force[Convert every document again, ignoring the cache]' \
'--rehash[Hash every file again instead of trusting unchanged size, mtime and inode]' \
'--retry-failed[Try again documents that failed in an earlier run with the same content]' \
'--front-matter[Start each document'\''s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)]' \
'--json[Print the run report as JSON on stdout]' \
'--no-progress[Never show the progress bar (it is only shown when stderr is a terminal)]' \
'-q[Print nothing but failures\: no progress bar, no summary]' \
'--quiet[Print nothing but failures\: no progress bar, no summary]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::paths -- Files or directories to convert:_files' \
&& ret=0
;;
(retry)
_arguments "${_arguments_options[@]}" : \
'*--error-code=[Only retry documents that failed with this error code (e.g. io, corrupt); repeatable]:CODE:_default' \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'-j+[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'--jobs=[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'*--include=[Only convert files whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--exclude=[Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--formats=[Convert exactly these formats; the others are ignored \[default\: every format that is on by default, or as \[formats.NAME\] enabled says\]]:FORMAT:((csv\:"CSV (.csv)"
doc\:"Word 97-2003 (binary) (.doc, .dot)"
docx\:"Word (OOXML) (.docx, .docm, .dotx, .dotm)"
eml\:"e-mail (RFC 5322/MIME) (.eml)"
epub\:"EPUB (.epub)"
html\:"HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)"
image\:"image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)"
ipynb\:"Jupyter notebook (.ipynb)"
json\:"JSON (data) (.json, .jsonl, .geojson); off by default"
md\:"Markdown (.md, .markdown, .mdown, .mkd, .mkdn)"
mhtml\:"MHTML web archive (.mht, .mhtml)"
msg\:"Outlook message (MSG) (.msg)"
odp\:"OpenDocument presentation (.odp, .otp, .fodp)"
ods\:"OpenDocument spreadsheet (.ods, .ots, .fods)"
odt\:"OpenDocument text (.odt, .ott, .fodt)"
pdf\:"PDF (.pdf)"
pptx\:"PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)"
rtf\:"Rich Text Format (.rtf)"
tsv\:"TSV (.tsv, .tab)"
txt\:"plain text (.txt, .text)"
xls\:"Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)"
xlsb\:"Excel binary (XLSB) (.xlsb)"
xlsx\:"Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)"
xml\:"XML (data) (.xml); off by default"
yaml\:"YAML (data) (.yaml, .yml); off by default"))' \
'*--set=[Set an option of one format\: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README'\''s format table lists them); repeatable]:NAME.KEY=VALUE:_default' \
'--page-markers=[Mark page and slide boundaries (PDF, PPTX, ODP) \[default\: comment\]]:STYLE:((comment\:"An HTML comment \`<!-- page N -->\` before each page (invisible when rendered)"
none\:"No marker; pages are separated by a blank line"))' \
'--images=[Pictures (documents, slides, web pages, e-books, e-mail, notebooks)\: written beside the Markdown (NAME_files/) and linked, or only their alt text \[default\: extract\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--attachments=[Attachments of e-mail (EML, MSG)\: written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size \[default\: none\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--isolation=[Where conversions run\: in supervised worker processes, or inside docproc (trusted input)]:MODE:((process\:"Each conversion in a worker process with a timeout and a memory cap"
none\:"Conversions in docproc'\''s own threads\: a little faster, for trusted input only"))' \
'--timeout=[Seconds one document may take before its worker is killed (code timeout; 0\: no limit; ten times as long for scans and images that OCR reads) \[default\: 60\]]:SECONDS:_default' \
'--max-memory=[Memory (address space) each worker may use, e.g. 2G (code out_of_memory) \[default\: 2G\]]:SIZE:_default' \
'--retries=[Times a document that failed for a transient reason (io, crashed) is tried again \[default\: 2\]]:N:_default' \
'--wait=[Wait up to SECONDS for another run on the same database to finish \[default\: 0\: exit 2 at once\]]:SECONDS:_default' \
'--max-file-size=[Larger files fail with resource_limit without being read \[default\: 1G\]]:SIZE:_default' \
'--max-pages=[PDFs with more pages fail with resource_limit \[default\: 50000\]]:N:_default' \
'--max-output-size=[Documents whose Markdown would be larger fail with resource_limit \[default\: 512M\]]:SIZE:_default' \
'--max-unzipped-size=[Zip containers (DOCX) that would inflate to more fail with resource_limit \[default\: 2G\]]:SIZE:_default' \
'--max-zip-ratio=[Zip containers inflating to over 100 MiB at a higher compression ratio fail \[default\: 200\]]:N:_default' \
'--max-xml-depth=[XML nested deeper fails with resource_limit \[default\: 1000\]]:N:_default' \
'--ocr=[OCR of scanned pages and images with Tesseract\: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) \[default\: auto\]]:MODE:((auto\:"Pages without a text layer that paint an image over much of the page, and image files"
off\:"No OCR\: scans are flagged needs_ocr"
force\:"Every page, ignoring the text layer (for PDFs whose text layer is garbage)"))' \
'--ocr-lang=[Tesseract languages, joined with + (eng+deu) \[default\: eng\]]:LANGS:_default' \
'--ocr-dpi=[Resolution PDF pages are rendered at for OCR \[default\: 300\]]:DPI:_default' \
'--ocr-timeout=[Seconds Tesseract may spend on one page before the page fails (0\: no limit) \[default\: 120\]]:SECONDS:_default' \
'--tesseract=[The tesseract program \[default\: tesseract on PATH\]]:PATH:_files' \
'--events=[Append one JSON line per document event to FILE ('\''-'\'' for stdout)]:FILE:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--hidden[Also walk hidden files and directories (names starting with '\''.'\'')]' \
'-L[Follow symbolic links to files and directories]' \
'--follow-symlinks[Follow symbolic links to files and directories]' \
'--force[Convert every document again, ignoring the cache]' \
'--rehash[Hash every file again instead of trusting unchanged size, mtime and inode]' \
'--retry-failed[Try again documents that failed in an earlier run with the same content]' \
'--front-matter[Start each document'\''s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)]' \
'--json[Print the run report as JSON on stdout]' \
'--no-progress[Never show the progress bar (it is only shown when stderr is a terminal)]' \
'-q[Print nothing but failures\: no progress bar, no summary]' \
'--quiet[Print nothing but failures\: no progress bar, no summary]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--status=[Only documents with this processing status]:STATUS:(pending processing completed failed skipped)' \
'--type=[Only documents of this format (as converted\: a rerouted file counts as what it is)]:TYPE:((csv\:"CSV (.csv)"
doc\:"Word 97-2003 (binary) (.doc, .dot)"
docx\:"Word (OOXML) (.docx, .docm, .dotx, .dotm)"
eml\:"e-mail (RFC 5322/MIME) (.eml)"
epub\:"EPUB (.epub)"
html\:"HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)"
image\:"image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)"
ipynb\:"Jupyter notebook (.ipynb)"
json\:"JSON (data) (.json, .jsonl, .geojson); off by default"
md\:"Markdown (.md, .markdown, .mdown, .mkd, .mkdn)"
mhtml\:"MHTML web archive (.mht, .mhtml)"
msg\:"Outlook message (MSG) (.msg)"
odp\:"OpenDocument presentation (.odp, .otp, .fodp)"
ods\:"OpenDocument spreadsheet (.ods, .ots, .fods)"
odt\:"OpenDocument text (.odt, .ott, .fodt)"
pdf\:"PDF (.pdf)"
pptx\:"PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)"
rtf\:"Rich Text Format (.rtf)"
tsv\:"TSV (.tsv, .tab)"
txt\:"plain text (.txt, .text)"
xls\:"Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)"
xlsb\:"Excel binary (XLSB) (.xlsb)"
xlsx\:"Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)"
xml\:"XML (data) (.xml); off by default"
yaml\:"YAML (data) (.yaml, .yml); off by default"))' \
'--error-code=[Only documents with this error (or warning) code, e.g. corrupt, needs_ocr]:CODE:_default' \
'--since=[Only documents processed since TIME\: RFC 3339 ("2026-11-27T06\:00\:00Z") or an age ("24h")]:TIME:_default' \
'--page=[Page to show, from 1]:N:_default' \
'--limit=[Documents per page (at most 100)]:M:_default' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print {"data"\: \[...\], "pagination"\: {...}} as JSON]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':document -- The document\: its source path, or its id (a unique prefix of at least 8 characters):_files' \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--since=[The period\: since TIME, RFC 3339 or an age ("7d")]:TIME:_default' \
'--format=[Output format]:FORMAT:((text\:""
json\:""
prometheus\:"Prometheus text exposition format (node_exporter textfile collector)"))' \
'--to=[Write to FILE (atomically\: a reader never sees half of it) instead of stdout]:FILE:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(gc)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--older-than=[Only remove what has not been seen or used for DURATION ("30d"); also prunes the run history older than that]:DURATION:_default' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'-n[Report what would be removed without removing anything]' \
'--dry-run[Report what would be removed without removing anything]' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(merge)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--allow-partial[Merge the shards there are, even when some of the plan'\''s shards are missing]' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::shards -- Shard databases \[default\: OUTPUT/.docproc/shards/*.db\]:_files' \
&& ret=0
;;
(db)
_arguments "${_arguments_options[@]}" : \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_docproc__subcmd__db_commands" \
"*::: :->db" \
&& ret=0

    case $state in
    (db)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-db-command-$line[1]:"
        case $line[1] in
            (backup)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':file -- Where to write the copy (replaced atomically if it exists):_files' \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(vacuum)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--json[Print JSON instead of text]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_docproc__subcmd__db__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-db-help-command-$line[1]:"
        case $line[1] in
            (backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(vacuum)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(export)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'--format=[Output format]:FORMAT:((jsonl\:"One JSON object per line"
csv\:"RFC 4180 CSV with a header row; metadata as a JSON object in one column"))' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_docproc__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-config-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing by convert)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'-j+[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'--jobs=[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'*--include=[Only convert files whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--exclude=[Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--formats=[Convert exactly these formats; the others are ignored \[default\: every format that is on by default, or as \[formats.NAME\] enabled says\]]:FORMAT:((csv\:"CSV (.csv)"
doc\:"Word 97-2003 (binary) (.doc, .dot)"
docx\:"Word (OOXML) (.docx, .docm, .dotx, .dotm)"
eml\:"e-mail (RFC 5322/MIME) (.eml)"
epub\:"EPUB (.epub)"
html\:"HTML (.html, .htm, .xhtml, .xht, .shtml, .html5)"
image\:"image (OCR) (.png, .jpg, .jpeg, .jpe, .tif, .tiff, .bmp, .gif, .webp)"
ipynb\:"Jupyter notebook (.ipynb)"
json\:"JSON (data) (.json, .jsonl, .geojson); off by default"
md\:"Markdown (.md, .markdown, .mdown, .mkd, .mkdn)"
mhtml\:"MHTML web archive (.mht, .mhtml)"
msg\:"Outlook message (MSG) (.msg)"
odp\:"OpenDocument presentation (.odp, .otp, .fodp)"
ods\:"OpenDocument spreadsheet (.ods, .ots, .fods)"
odt\:"OpenDocument text (.odt, .ott, .fodt)"
pdf\:"PDF (.pdf)"
pptx\:"PowerPoint (OOXML) (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm)"
rtf\:"Rich Text Format (.rtf)"
tsv\:"TSV (.tsv, .tab)"
txt\:"plain text (.txt, .text)"
xls\:"Excel 97-2003 / 5.0 (BIFF) (.xls, .xlt, .xla)"
xlsb\:"Excel binary (XLSB) (.xlsb)"
xlsx\:"Excel (OOXML) (.xlsx, .xlsm, .xltx, .xltm)"
xml\:"XML (data) (.xml); off by default"
yaml\:"YAML (data) (.yaml, .yml); off by default"))' \
'*--set=[Set an option of one format\: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true (the README'\''s format table lists them); repeatable]:NAME.KEY=VALUE:_default' \
'--page-markers=[Mark page and slide boundaries (PDF, PPTX, ODP) \[default\: comment\]]:STYLE:((comment\:"An HTML comment \`<!-- page N -->\` before each page (invisible when rendered)"
none\:"No marker; pages are separated by a blank line"))' \
'--images=[Pictures (documents, slides, web pages, e-books, e-mail, notebooks)\: written beside the Markdown (NAME_files/) and linked, or only their alt text \[default\: extract\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--attachments=[Attachments of e-mail (EML, MSG)\: written beside the Markdown (NAME_files/) and linked; they are always listed with name, type and size \[default\: none\]]:MODE:((extract\:"Write them into NAME_files/ beside the Markdown and link them"
none\:"Write no files; keep only the alt text"))' \
'--isolation=[Where conversions run\: in supervised worker processes, or inside docproc (trusted input)]:MODE:((process\:"Each conversion in a worker process with a timeout and a memory cap"
none\:"Conversions in docproc'\''s own threads\: a little faster, for trusted input only"))' \
'--timeout=[Seconds one document may take before its worker is killed (code timeout; 0\: no limit; ten times as long for scans and images that OCR reads) \[default\: 60\]]:SECONDS:_default' \
'--max-memory=[Memory (address space) each worker may use, e.g. 2G (code out_of_memory) \[default\: 2G\]]:SIZE:_default' \
'--retries=[Times a document that failed for a transient reason (io, crashed) is tried again \[default\: 2\]]:N:_default' \
'--wait=[Wait up to SECONDS for another run on the same database to finish \[default\: 0\: exit 2 at once\]]:SECONDS:_default' \
'--max-file-size=[Larger files fail with resource_limit without being read \[default\: 1G\]]:SIZE:_default' \
'--max-pages=[PDFs with more pages fail with resource_limit \[default\: 50000\]]:N:_default' \
'--max-output-size=[Documents whose Markdown would be larger fail with resource_limit \[default\: 512M\]]:SIZE:_default' \
'--max-unzipped-size=[Zip containers (DOCX) that would inflate to more fail with resource_limit \[default\: 2G\]]:SIZE:_default' \
'--max-zip-ratio=[Zip containers inflating to over 100 MiB at a higher compression ratio fail \[default\: 200\]]:N:_default' \
'--max-xml-depth=[XML nested deeper fails with resource_limit \[default\: 1000\]]:N:_default' \
'--ocr=[OCR of scanned pages and images with Tesseract\: pages without a text layer that are images (auto), none (off), or every page, ignoring the text layer (force) \[default\: auto\]]:MODE:((auto\:"Pages without a text layer that paint an image over much of the page, and image files"
off\:"No OCR\: scans are flagged needs_ocr"
force\:"Every page, ignoring the text layer (for PDFs whose text layer is garbage)"))' \
'--ocr-lang=[Tesseract languages, joined with + (eng+deu) \[default\: eng\]]:LANGS:_default' \
'--ocr-dpi=[Resolution PDF pages are rendered at for OCR \[default\: 300\]]:DPI:_default' \
'--ocr-timeout=[Seconds Tesseract may spend on one page before the page fails (0\: no limit) \[default\: 120\]]:SECONDS:_default' \
'--tesseract=[The tesseract program \[default\: tesseract on PATH\]]:PATH:_files' \
'--events=[Append one JSON line per document event to FILE ('\''-'\'' for stdout)]:FILE:_files' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'--hidden[Also walk hidden files and directories (names starting with '\''.'\'')]' \
'-L[Follow symbolic links to files and directories]' \
'--follow-symlinks[Follow symbolic links to files and directories]' \
'--force[Convert every document again, ignoring the cache]' \
'--rehash[Hash every file again instead of trusting unchanged size, mtime and inode]' \
'--retry-failed[Try again documents that failed in an earlier run with the same content]' \
'--front-matter[Start each document'\''s Markdown with YAML front matter from its properties (DOCX, HTML, MHTML, EPUB, EML, MSG)]' \
'--json[Print the run report as JSON on stdout]' \
'--no-progress[Never show the progress bar (it is only shown when stderr is a terminal)]' \
'-q[Print nothing but failures\: no progress bar, no summary]' \
'--quiet[Print nothing but failures\: no progress bar, no summary]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_docproc__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-config-help-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(generate)
_arguments "${_arguments_options[@]}" : \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':dir -- Directory that receives man/docproc.1 and completions/docproc.{bash,zsh,fish}:_files' \
&& ret=0
;;
(worker)
_arguments "${_arguments_options[@]}" : \
'--max-memory=[Address space limit of this process, in bytes]:BYTES:_default' \
'--log-format=[Format of log and failure lines on stderr]:FORMAT:((human\:"\`docproc\: <path>\: <message>\` lines for people"
json\:"One JSON object per line\: {"timestamp", "level", "service", "message", "context"}"))' \
'--config=[Read settings from FILE \[default\: ./docproc.toml, else ~/.config/docproc/config.toml\]]:FILE:_files' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'(--config)--no-config[Read no configuration file]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_docproc__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-help-command-$line[1]:"
        case $line[1] in
            (convert)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(retry)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(gc)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(merge)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(db)
_arguments "${_arguments_options[@]}" : \
":: :_docproc__subcmd__help__subcmd__db_commands" \
"*::: :->db" \
&& ret=0

    case $state in
    (db)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-help-db-command-$line[1]:"
        case $line[1] in
            (backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(vacuum)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(export)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_docproc__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:docproc-help-config-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(generate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(worker)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_docproc_commands] )) ||
_docproc_commands() {
    local commands; commands=(
'convert:Convert documents under PATHS to Markdown in an output directory' \
'retry:Convert the documents that failed in earlier runs again' \
'status:Totals by status and type, cache hit rate, success rate, the last run, sizes' \
'list:List documents, filtered and paginated' \
'show:Show one document\: status, error, metadata, output and cache paths' \
'stats:Throughput, cache hit rate, success rate, conversion times and failures over a period' \
'gc:Remove outputs, cached Markdown and rows of documents whose source is gone' \
'merge:Fold the databases of shards (convert --shard K/N) into the output'\''s database' \
'db:Back up, check or compact the database' \
'export:Write every document and its metadata as JSON lines or CSV' \
'config:Inspect docproc'\''s configuration' \
'generate:Write the man page and shell completions into a directory (for packagers)' \
'worker:Serve conversions on stdin/stdout for a parent docproc (internal)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc commands' commands "$@"
}
(( $+functions[_docproc__subcmd__config_commands] )) ||
_docproc__subcmd__config_commands() {
    local commands; commands=(
'show:Print the effective configuration of '\''docproc convert'\'' and where each value comes from' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc config commands' commands "$@"
}
(( $+functions[_docproc__subcmd__config__subcmd__help_commands] )) ||
_docproc__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'show:Print the effective configuration of '\''docproc convert'\'' and where each value comes from' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc config help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_docproc__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'docproc config help help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__config__subcmd__help__subcmd__show_commands] )) ||
_docproc__subcmd__config__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'docproc config help show commands' commands "$@"
}
(( $+functions[_docproc__subcmd__config__subcmd__show_commands] )) ||
_docproc__subcmd__config__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'docproc config show commands' commands "$@"
}
(( $+functions[_docproc__subcmd__convert_commands] )) ||
_docproc__subcmd__convert_commands() {
    local commands; commands=()
    _describe -t commands 'docproc convert commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db_commands] )) ||
_docproc__subcmd__db_commands() {
    local commands; commands=(
'backup:Copy the database to FILE with SQLite'\''s online backup (safe while a run is going)' \
'check:Check the database'\''s integrity and the state'\''s invariants; exit 1 on a problem' \
'vacuum:Rebuild the database file to reclaim free space (waits for no run\: fails if one is going)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc db commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__backup_commands] )) ||
_docproc__subcmd__db__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db backup commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__check_commands] )) ||
_docproc__subcmd__db__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db check commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__help_commands] )) ||
_docproc__subcmd__db__subcmd__help_commands() {
    local commands; commands=(
'backup:Copy the database to FILE with SQLite'\''s online backup (safe while a run is going)' \
'check:Check the database'\''s integrity and the state'\''s invariants; exit 1 on a problem' \
'vacuum:Rebuild the database file to reclaim free space (waits for no run\: fails if one is going)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc db help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__help__subcmd__backup_commands] )) ||
_docproc__subcmd__db__subcmd__help__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db help backup commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__help__subcmd__check_commands] )) ||
_docproc__subcmd__db__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db help check commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__help__subcmd__help_commands] )) ||
_docproc__subcmd__db__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db help help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__help__subcmd__vacuum_commands] )) ||
_docproc__subcmd__db__subcmd__help__subcmd__vacuum_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db help vacuum commands' commands "$@"
}
(( $+functions[_docproc__subcmd__db__subcmd__vacuum_commands] )) ||
_docproc__subcmd__db__subcmd__vacuum_commands() {
    local commands; commands=()
    _describe -t commands 'docproc db vacuum commands' commands "$@"
}
(( $+functions[_docproc__subcmd__export_commands] )) ||
_docproc__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'docproc export commands' commands "$@"
}
(( $+functions[_docproc__subcmd__gc_commands] )) ||
_docproc__subcmd__gc_commands() {
    local commands; commands=()
    _describe -t commands 'docproc gc commands' commands "$@"
}
(( $+functions[_docproc__subcmd__generate_commands] )) ||
_docproc__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'docproc generate commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help_commands] )) ||
_docproc__subcmd__help_commands() {
    local commands; commands=(
'convert:Convert documents under PATHS to Markdown in an output directory' \
'retry:Convert the documents that failed in earlier runs again' \
'status:Totals by status and type, cache hit rate, success rate, the last run, sizes' \
'list:List documents, filtered and paginated' \
'show:Show one document\: status, error, metadata, output and cache paths' \
'stats:Throughput, cache hit rate, success rate, conversion times and failures over a period' \
'gc:Remove outputs, cached Markdown and rows of documents whose source is gone' \
'merge:Fold the databases of shards (convert --shard K/N) into the output'\''s database' \
'db:Back up, check or compact the database' \
'export:Write every document and its metadata as JSON lines or CSV' \
'config:Inspect docproc'\''s configuration' \
'generate:Write the man page and shell completions into a directory (for packagers)' \
'worker:Serve conversions on stdin/stdout for a parent docproc (internal)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__config_commands] )) ||
_docproc__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'show:Print the effective configuration of '\''docproc convert'\'' and where each value comes from' \
    )
    _describe -t commands 'docproc help config commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__config__subcmd__show_commands] )) ||
_docproc__subcmd__help__subcmd__config__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help config show commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__convert_commands] )) ||
_docproc__subcmd__help__subcmd__convert_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help convert commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__db_commands] )) ||
_docproc__subcmd__help__subcmd__db_commands() {
    local commands; commands=(
'backup:Copy the database to FILE with SQLite'\''s online backup (safe while a run is going)' \
'check:Check the database'\''s integrity and the state'\''s invariants; exit 1 on a problem' \
'vacuum:Rebuild the database file to reclaim free space (waits for no run\: fails if one is going)' \
    )
    _describe -t commands 'docproc help db commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__db__subcmd__backup_commands] )) ||
_docproc__subcmd__help__subcmd__db__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help db backup commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__db__subcmd__check_commands] )) ||
_docproc__subcmd__help__subcmd__db__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help db check commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__db__subcmd__vacuum_commands] )) ||
_docproc__subcmd__help__subcmd__db__subcmd__vacuum_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help db vacuum commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__export_commands] )) ||
_docproc__subcmd__help__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help export commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__gc_commands] )) ||
_docproc__subcmd__help__subcmd__gc_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help gc commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__generate_commands] )) ||
_docproc__subcmd__help__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help generate commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__help_commands] )) ||
_docproc__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__list_commands] )) ||
_docproc__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help list commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__merge_commands] )) ||
_docproc__subcmd__help__subcmd__merge_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help merge commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__retry_commands] )) ||
_docproc__subcmd__help__subcmd__retry_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help retry commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__show_commands] )) ||
_docproc__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help show commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__stats_commands] )) ||
_docproc__subcmd__help__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help stats commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__status_commands] )) ||
_docproc__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help status commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__worker_commands] )) ||
_docproc__subcmd__help__subcmd__worker_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help worker commands' commands "$@"
}
(( $+functions[_docproc__subcmd__list_commands] )) ||
_docproc__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'docproc list commands' commands "$@"
}
(( $+functions[_docproc__subcmd__merge_commands] )) ||
_docproc__subcmd__merge_commands() {
    local commands; commands=()
    _describe -t commands 'docproc merge commands' commands "$@"
}
(( $+functions[_docproc__subcmd__retry_commands] )) ||
_docproc__subcmd__retry_commands() {
    local commands; commands=()
    _describe -t commands 'docproc retry commands' commands "$@"
}
(( $+functions[_docproc__subcmd__show_commands] )) ||
_docproc__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'docproc show commands' commands "$@"
}
(( $+functions[_docproc__subcmd__stats_commands] )) ||
_docproc__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'docproc stats commands' commands "$@"
}
(( $+functions[_docproc__subcmd__status_commands] )) ||
_docproc__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'docproc status commands' commands "$@"
}
(( $+functions[_docproc__subcmd__worker_commands] )) ||
_docproc__subcmd__worker_commands() {
    local commands; commands=()
    _describe -t commands 'docproc worker commands' commands "$@"
}

if [ "$funcstack[1]" = "_docproc" ]; then
    _docproc "$@"
else
    compdef _docproc docproc
fi
