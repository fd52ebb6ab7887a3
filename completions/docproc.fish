# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_docproc_global_optspecs
    string join \n v/verbose h/help V/version
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

complete -c docproc -n "__fish_docproc_needs_command" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_needs_command" -s h -l help -d 'Print help'
complete -c docproc -n "__fish_docproc_needs_command" -s V -l version -d 'Print version'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "convert" -d 'Convert documents under PATHS to Markdown in an output directory'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "generate" -d 'Write the man page and shell completions into a directory (for packagers)'
complete -c docproc -n "__fish_docproc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s o -l output -d 'Directory the Markdown tree is written to (created if missing)' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l db -d 'SQLite database file [default: OUTPUT/.docproc/docproc.db]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l cache-dir -d 'Directory of the content-addressed Markdown cache [default: cache/ beside the database]' -r -F
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s j -l jobs -d 'Number of documents converted at once [default: number of CPUs]' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l include -d 'Only convert files whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l exclude -d 'Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable' -r
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l page-markers -d 'Mark page boundaries in PDF output' -r -f -a "comment\t'An HTML comment `<!-- page N -->` before each page (invisible when rendered)'
none\t'No marker; pages are separated by a blank line'"
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l hidden -d 'Also walk hidden files and directories (names starting with \'.\')'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s L -l follow-symlinks -d 'Follow symbolic links to files and directories'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l force -d 'Convert every document again, ignoring the cache'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l rehash -d 'Hash every file again instead of trusting unchanged size, mtime and inode'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l retry-failed -d 'Try again documents that failed in an earlier run with the same content'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l json -d 'Print the run report as JSON on stdout'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -l no-progress -d 'Never show the progress bar (it is only shown when stderr is a terminal)'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s q -l quiet -d 'Print nothing but failures: no progress bar, no summary'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docproc -n "__fish_docproc_using_subcommand generate" -s v -l verbose -d 'Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides'
complete -c docproc -n "__fish_docproc_using_subcommand generate" -s h -l help -d 'Print help'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert generate help" -f -a "convert" -d 'Convert documents under PATHS to Markdown in an output directory'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert generate help" -f -a "generate" -d 'Write the man page and shell completions into a directory (for packagers)'
complete -c docproc -n "__fish_docproc_using_subcommand help; and not __fish_seen_subcommand_from convert generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
