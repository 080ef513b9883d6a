# SPDX-License-Identifier: BSD-3-Clause
# fish completion for shm-create, shm-load and shm-read (shm-tools). Installed as
# $datadir/fish/vendor_completions.d/shm-create.fish, shm-load.fish and shm-read.fish (fish loads
# a command's completions from a file named after it); each copy defines only its own command's,
# and this file sourced under another name defines all three. The options are those of each
# tool's --help (a test checks that they agree); an option is not offered once one it excludes
# is on the line (an option that takes a value stays, so that its value can be completed).

# The live segments' keys under this TMPDIR (from `shm-read --list --json`), $SHM_KEY and the
# default key.
function __shm_tools_keys
    set -l reader shm-read
    set -l tool (commandline -opc)[1]
    if string match -q '*/*' -- $tool; and test -x (path dirname -- $tool)/shm-read
        set reader (path dirname -- $tool)/shm-read
    end
    timeout 2 $reader -q --list --json 2>/dev/null | string match -r -g '"key":"([^"\\\\]*)"'
    set -q SHM_KEY; and test -n "$SHM_KEY"; and echo $SHM_KEY
    echo fileloader_shm_key
end

# __shm_tools_none OPTION...: true if none of the long options (names without dashes; a
# one-letter name is a short option) is on the command line yet.
function __shm_tools_none
    for option in $argv
        if test (string length -- $option) -eq 1
            __fish_seen_argument -s $option; and return 1
        else
            __fish_seen_argument -l $option; and return 1
        end
    end
    return 0
end

set -l __shm_tools_this (path basename -- (status filename) | string replace -r '\.fish$' '')
set -l __shm_tools_tools shm-create shm-load shm-read
contains -- $__shm_tools_this $__shm_tools_tools; and set __shm_tools_tools $__shm_tools_this

for tool in $__shm_tools_tools
    complete -c $tool -f
    complete -c $tool -s k -l key -x -a '(__shm_tools_keys)' -d "The segment's name"
    complete -c $tool -s t -l timeout -x -d 'How long to wait for other processes'
    complete -c $tool -s q -l quiet -n '__shm_tools_none q quiet' -d 'No status messages on stderr'
    complete -c $tool -s h -l help -d 'Show the help and exit'
    complete -c $tool -s V -l version -d 'Show the version and licence and exit'
end

if contains -- shm-create $__shm_tools_tools
    complete -c shm-create -s s -l size -x -a '4K 64K 1M 16M 256M 1G' -n '__shm_tools_none remove' -d 'The largest content the segment takes'
    complete -c shm-create -l raw -n '__shm_tools_none raw remove' -d 'A plain Qt segment with no header'
    complete -c shm-create -s d -l detach -n '__shm_tools_none d detach watch json remove' -d 'Hold in the background, print the PID'
    complete -c shm-create -l watch -n '__shm_tools_none watch d detach remove' -d 'Print one line per published version'
    complete -c shm-create -l json -n '__shm_tools_none json d detach remove' -d 'With --watch: JSON Lines on stdout'
    complete -c shm-create -l remove -n '__shm_tools_none remove s size d detach watch json raw' -d 'Remove segments whole'
    complete -c shm-create -a '(__shm_tools_keys)' -n '__fish_seen_argument -l remove'
end

if contains -- shm-load $__shm_tools_tools
    complete -c shm-load -F
    complete -c shm-load -l source -x -n '__shm_tools_none raw' -d 'The name recorded as the source'
    complete -c shm-load -l raw -n '__shm_tools_none raw source' -d 'Write into a plain Qt segment'
    complete -c shm-load -l progress -n '__shm_tools_none progress no-progress' -d 'Show a progress bar even for short loads'
    complete -c shm-load -l no-progress -n '__shm_tools_none progress no-progress' -d 'Never show a progress bar'
end

if contains -- shm-read $__shm_tools_tools
    complete -c shm-read -l info -n '__shm_tools_none info json follow raw list all exec o output' -d 'Show the metadata for people'
    complete -c shm-read -l json -n '__shm_tools_none json info raw exec o output' -d 'Show the metadata as JSON'
    complete -c shm-read -l list -n '__shm_tools_none list info wait since follow raw exec o output' -d 'List your segments'
    complete -c shm-read -l all -n '__shm_tools_none all info wait since follow exec o output' -d 'With --list: every TMPDIR; with --raw: every byte'
    complete -c shm-read -l raw -n '__shm_tools_none raw info json wait since follow exec list o output' -d 'Read a plain Qt segment'
    complete -c shm-read -l wait -n '__shm_tools_none wait since follow raw list' -d 'Wait for a newer version'
    complete -c shm-read -l since -x -n '__shm_tools_none wait raw list' -d 'Wait until the generation exceeds GEN'
    complete -c shm-read -l follow -n '__shm_tools_none follow wait info raw list all o output' -d 'Show every new version'
    complete -c shm-read -l exec -x -a '(__fish_complete_command)' -n '__shm_tools_none json raw list info all o output' -d 'With --follow: run CMD per version'
    complete -c shm-read -s o -l output -r -F -n '__shm_tools_none follow info json raw list exec' -d 'Write the content to FILE'
    complete -c shm-read -l progress -n '__shm_tools_none progress no-progress' -d 'Show a progress bar even for short reads'
    complete -c shm-read -l no-progress -n '__shm_tools_none progress no-progress' -d 'Never show a progress bar'
end
