#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Drives the bash completion function the way bash does (COMP_WORDS, COMP_CWORD) and checks
# COMPREPLY. Usage: completion_test.sh [path/to/shm-tools.bash [directory of the built tools]]
# With the tools' directory, live keys are offered too (a holder is started under a scratch
# TMPDIR); without it, no shm-read is reachable and only $SHM_KEY and the default are offered.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

script=${1:-$(dirname "${BASH_SOURCE[0]}")/../../completion/shm-tools.bash}
bin_dir=${2:-}
# Keys are offered from `shm-read --list --json` under TMPDIR: an empty one of our own keeps
# other tests' segments out of the replies.
export TMPDIR=$scratch
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | while IFS= read -r dir; do [[ -x $dir/shm-read ]] || printf '%s:' "$dir"; done)
export PATH=${PATH%:}
[[ -r $script ]] || abort "cannot read the completion script $script"
# shellcheck source=../../completion/shm-tools.bash disable=SC1091
source "$script"

# Files for shm-load's FILE argument, in a directory of their own.
mkdir -p "$scratch/files/dir"
touch "$scratch/files/a.txt" "$scratch/files/b.bin" "$scratch/files/-odd"
cd "$scratch/files" || abort "cannot enter $scratch/files"

# complete WORD...: completes the last WORD of the command line WORD... into $reply, sorted
# and space-separated.
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    local prev=''
    if ((COMP_CWORD > 0)); then prev=${COMP_WORDS[COMP_CWORD - 1]}; fi
    _shm_tools "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "$prev"
    reply=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ')
    reply=${reply% }
}

# expect_reply EXPECTED WORD...: the completions are exactly EXPECTED (sorted, space-separated).
expect_reply() {
    local expected=$1
    shift
    complete_line "$@"
    if [[ $reply == "$expected" ]]; then
        pass "'$*' -> '$expected'"
    else
        fail "'$*' -> '$reply', expected '$expected'"
    fi
}

# expect_has "WANTED..." "UNWANTED..." WORD...: the completions include every WANTED word and
# none of the UNWANTED ones.
expect_has() {
    local wanted=$1 unwanted=$2 word ok=1
    shift 2
    complete_line "$@"
    for word in $wanted; do
        [[ " $reply " == *" $word "* ]] || { ok=0; fail "'$*' lacks $word (got '$reply')"; }
    done
    for word in $unwanted; do
        [[ " $reply " != *" $word "* ]] || { ok=0; fail "'$*' offers $word (got '$reply')"; }
    done
    if ((ok)); then pass "'$*' offers $wanted${unwanted:+, not $unwanted}"; fi
}

# Registration: one function serves all three commands.
for tool in shm-create shm-load shm-read; do
    check "complete -F _shm_tools $tool" eval "[[ \$(complete -p $tool) == *'-F _shm_tools'* ]]"
done

# Options of each tool, and only of that tool.
expect_has "--key -k --timeout -t --quiet -q -h --help -V --version --size -s --detach -d --watch --raw --json --remove" \
    "--info --source --since" shm-create -
expect_has "--key --timeout --quiet --raw --progress --no-progress --source" \
    "--size --watch --info --exec" shm-load --
expect_has "--key --timeout --info --json --list --wait --since --follow --exec --raw --all --output --progress" \
    "--size --detach --source" shm-read --
expect_reply "--detach" shm-create --de
expect_reply "--follow" shm-read -k x --fo

# No option that the ones typed exclude (the tool would refuse the pair), nor one given already.
expect_has "--since --wait" "--info --json --raw --output --follow --list --all --exec" shm-read --info --
expect_has "--exec --since --json" "--wait --info --raw --list --output --follow --all" shm-read --follow --
expect_has "--all --json" "--info --wait --since --follow --raw --exec --output" shm-read --list --
# --list --all --json is one listing (--json was once not offered after --all).
expect_has "--json" "--info --exec" shm-read --list --all --
expect_has "-k --key -t --quiet" "--size -s --detach --watch --json --raw --remove" shm-create --remove -
expect_has "--raw --size" "--detach -d --remove" shm-create --watch -
expect_has "--progress --no-progress" "--source" shm-load --raw --
expect_has "--wait" "--key -k" shm-read -k x -
# Of --progress and --no-progress the last one given wins: once one is typed, neither is offered.
for tool in shm-load shm-read; do
    for typed in --progress --no-progress; do
        expect_has "--raw" "--no-progress --progress" "$tool" "$typed" --
    done
done
expect_has "--since --all" "--no-progress --progress" shm-read --progress --

# Values.
expect_reply "16M 1G 1M 256M 4K 64K" shm-create --size ""
expect_reply "16M 1G 1M" shm-create -s 1
expect_reply "" shm-read --timeout ""
expect_reply "" shm-read --since ""
expect_reply "" shm-load --source ""
expect_has "echo" "" shm-read --follow --exec ech
unset SHM_KEY
expect_reply "fileloader_shm_key" shm-read -k ""
expect_reply "fileloader_shm_key" shm-load --key f
export SHM_KEY=results
expect_reply "fileloader_shm_key results" shm-create --key ""
expect_reply "results" shm-create -k r
export SHM_KEY=fileloader_shm_key
expect_reply "fileloader_shm_key" shm-create -k ""
# A key with a literal '$' and a space: offered quoted, never expanded.
# shellcheck disable=SC2016
export SHM_KEY='my $key'
# shellcheck disable=SC2016
expect_reply 'fileloader_shm_key my\ \$key' shm-create -k ""
unset SHM_KEY
# "--key=VALUE", split at '=' as bash does by default, and unsplit.
expect_reply "fileloader_shm_key" shm-read --key =
expect_reply "fileloader_shm_key" shm-read --key = "fi"
expect_reply "--size=16M --size=1G --size=1M" shm-create --size=1
expect_reply "" shm-create --key=x y

# shm-load's FILE: file names and "-", once.
expect_reply "- -odd a.txt b.bin dir" shm-load ""
expect_reply "a.txt" shm-load -q a
expect_reply "a.txt" shm-load -k a a
expect_reply "a.txt" shm-load --key = a a
expect_reply "" shm-load a.txt ""
expect_reply "" shm-load - ""
expect_has "- --raw --source" "a.txt" shm-load -
expect_reply "-odd" shm-load -- -o
expect_reply "a.txt" /usr/bin/shm-load a

# shm-read takes no positional argument; shm-create only the keys of --remove.
expect_reply "" shm-create ""
expect_reply "" shm-read a
expect_reply "fileloader_shm_key" shm-create --remove f
expect_reply "a.txt" shm-read -o a

# Live keys, from `shm-read --list --json` beside the command or on PATH.
if [[ -n $bin_dir ]]; then
    live=completion-live-$$
    holder=$("$bin_dir/shm-create" -d -q -k "$live" -s 4K)
    expect_reply "$live" "$bin_dir/shm-read" -k comp
    expect_reply "$live" "$bin_dir/shm-create" --remove comp
    PATH=$bin_dir:$PATH expect_reply "$live" shm-read --key comp
    "$bin_dir/shm-create" -q --remove -k "$live" || fail "removing $live"
    # Exited (a zombie of whoever adopted it counts): --remove waits for that.
    if [[ -e /proc/$holder ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$holder/status" 2>/dev/null; then
        fail "the holder $holder of $live still runs"
    fi
    expect_reply "" "$bin_dir/shm-read" -k comp
fi

finish
