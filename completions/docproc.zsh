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
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'-h[Print help]' \
'--help[Print help]' \
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
'-o+[Directory the Markdown tree is written to (created if missing)]:DIR:_files' \
'--output=[Directory the Markdown tree is written to (created if missing)]:DIR:_files' \
'--db=[SQLite database file \[default\: OUTPUT/.docproc/docproc.db\]]:FILE:_files' \
'--cache-dir=[Directory of the content-addressed Markdown cache \[default\: cache/ beside the database\]]:DIR:_files' \
'-j+[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'--jobs=[Number of documents converted at once \[default\: number of CPUs\]]:N:_default' \
'*--include=[Only convert files whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'*--exclude=[Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable]:GLOB:_default' \
'--page-markers=[Mark page boundaries in PDF output]:STYLE:((comment\:"An HTML comment \`<!-- page N -->\` before each page (invisible when rendered)"
none\:"No marker; pages are separated by a blank line"))' \
'--hidden[Also walk hidden files and directories (names starting with '\''.'\'')]' \
'-L[Follow symbolic links to files and directories]' \
'--follow-symlinks[Follow symbolic links to files and directories]' \
'--force[Convert every document again, ignoring the cache]' \
'--rehash[Hash every file again instead of trusting unchanged size, mtime and inode]' \
'--retry-failed[Try again documents that failed in an earlier run with the same content]' \
'--json[Print the run report as JSON on stdout]' \
'--no-progress[Never show the progress bar (it is only shown when stderr is a terminal)]' \
'-q[Print nothing but failures\: no progress bar, no summary]' \
'--quiet[Print nothing but failures\: no progress bar, no summary]' \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::paths -- Files or directories to convert:_files' \
&& ret=0
;;
(generate)
_arguments "${_arguments_options[@]}" : \
'*-v[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'*--verbose[Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides]' \
'-h[Print help]' \
'--help[Print help]' \
':dir -- Directory that receives man/docproc.1 and completions/docproc.{bash,zsh,fish}:_files' \
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
(generate)
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
'generate:Write the man page and shell completions into a directory (for packagers)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc commands' commands "$@"
}
(( $+functions[_docproc__subcmd__convert_commands] )) ||
_docproc__subcmd__convert_commands() {
    local commands; commands=()
    _describe -t commands 'docproc convert commands' commands "$@"
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
'generate:Write the man page and shell completions into a directory (for packagers)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'docproc help commands' commands "$@"
}
(( $+functions[_docproc__subcmd__help__subcmd__convert_commands] )) ||
_docproc__subcmd__help__subcmd__convert_commands() {
    local commands; commands=()
    _describe -t commands 'docproc help convert commands' commands "$@"
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

if [ "$funcstack[1]" = "_docproc" ]; then
    _docproc "$@"
else
    compdef _docproc docproc
fi
