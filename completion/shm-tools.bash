# SPDX-License-Identifier: BSD-3-Clause
# bash completion for shm-create, shm-load and shm-read (shm-tools).
# Installed as completions/shm-create, with shm-load and shm-read as symlinks to it, so that
# bash-completion's on-demand loader finds it under any of the three names. Needs nothing from
# the bash-completion package: it can also be sourced on its own.

# The keys to offer: the live segments' keys under this TMPDIR (from `shm-read --list --json`,
# found beside the command being completed, else on PATH), $SHM_KEY and the default key.
_shm_tools_keys() {
    local tool=${1:-shm-read} reader=shm-read line
    if [[ $tool == */* && -x ${tool%/*}/shm-read ]]; then reader=${tool%/*}/shm-read; fi
    # Compact JSON Lines; a key with an escape (a quote, a backslash, a control character) is
    # left out rather than offered wrong.
    while IFS= read -r line; do
        if [[ $line =~ \"key\":\"([^\"\\]*)\" ]]; then printf '%s\n' "${BASH_REMATCH[1]}"; fi
    done < <(timeout 2 "$reader" -q --list --json 2>/dev/null)
    if [[ -n ${SHM_KEY-} ]]; then
        printf '%s\n' "$SHM_KEY"
    fi
    printf '%s\n' fileloader_shm_key
}

# _shm_tools_options TOOL: the options of TOOL, one per line (as its --help lists them; a test
# checks that they agree).
_shm_tools_options() {
    printf '%s\n' -k --key -t --timeout -q --quiet -h --help -V --version
    case $1 in
    shm-create) printf '%s\n' -s --size --raw -d --detach --watch --json --remove ;;
    shm-load) printf '%s\n' --source --raw --progress --no-progress ;;
    shm-read)
        printf '%s\n' --info --json --list --all --raw --wait --since --follow --exec -o --output \
            --progress --no-progress
        ;;
    esac
}

# _shm_tools_excludes TOOL OPTION: the options that cannot follow OPTION (the tool refuses the
# pair), one per line, OPTION's other spelling included.
_shm_tools_excludes() {
    case $1:$2 in
    *:-k | *:--key) printf '%s\n' -k --key ;;
    *:-t | *:--timeout) printf '%s\n' -t --timeout ;;
    *:-q | *:--quiet) printf '%s\n' -q --quiet ;;
    *:--progress | *:--no-progress) printf '%s\n' --progress --no-progress ;;
    shm-create:-s | shm-create:--size) printf '%s\n' -s --size --remove ;;
    shm-create:-d | shm-create:--detach) printf '%s\n' -d --detach --watch --json --remove ;;
    shm-create:--watch) printf '%s\n' --watch -d --detach --remove ;;
    shm-create:--json) printf '%s\n' --json -d --detach --remove ;;
    shm-create:--raw) printf '%s\n' --raw --remove ;;
    shm-create:--remove) printf '%s\n' --remove -s --size -d --detach --watch --json --raw ;;
    shm-load:--raw) printf '%s\n' --raw --source ;;
    shm-load:--source) printf '%s\n' --source --raw ;;
    shm-read:--info) printf '%s\n' --info --json --follow --raw --list --all --exec -o --output ;;
    shm-read:--json) printf '%s\n' --json --info --raw --exec -o --output ;;
    shm-read:--list) printf '%s\n' --list --info --wait --since --follow --raw --exec -o --output ;;
    shm-read:--all) printf '%s\n' --all --info --wait --since --follow --exec -o --output ;;
    shm-read:--raw) printf '%s\n' --raw --info --json --wait --since --follow --exec --list -o --output ;;
    shm-read:--wait) printf '%s\n' --wait --since --follow --raw --list ;;
    shm-read:--since) printf '%s\n' --since --wait --raw --list ;;
    shm-read:--follow) printf '%s\n' --follow --wait --info --raw --list --all -o --output ;;
    shm-read:--exec) printf '%s\n' --exec --json --raw --list --info --all -o --output ;;
    shm-read:-o | shm-read:--output) printf '%s\n' -o --output --follow --info --json --raw --list --exec ;;
    esac
}

# _shm_tools_takes_value TOOL OPTION: succeeds if OPTION of TOOL is followed by a value.
_shm_tools_takes_value() {
    case $2 in
    -k | --key | -t | --timeout) return 0 ;;
    -s | --size) [[ $1 == shm-create ]] ;;
    --source) [[ $1 == shm-load ]] ;;
    --since | --exec | -o | --output) [[ $1 == shm-read ]] ;;
    *) return 1 ;;
    esac
}

# _shm_tools_matching_keys TOOL CUR: the keys that start with CUR, quoted for the shell, once each.
_shm_tools_matching_keys() {
    # Not compgen -W, which would expand '$' and the like in $SHM_KEY.
    local key
    declare -A seen=()
    while IFS= read -r key; do
        if [[ $key == "$2"* && -z ${seen[$key]-} ]]; then
            seen[$key]=1
            printf '%q\n' "$key"
        fi
    done < <(_shm_tools_keys "$1")
}

# _shm_tools_values TOOL OPTION CUR: the values of OPTION that start with CUR, one per line.
_shm_tools_values() {
    case $2 in
    -k | --key) _shm_tools_matching_keys "$1" "$3" ;;
    -s | --size) compgen -W "$(printf '%s\n' 4K 64K 1M 16M 256M 1G)" -- "$3" ;;
    --exec) compgen -c -- "$3" ;;
    -o | --output)
        compopt -o filenames 2>/dev/null || true
        compgen -f -- "$3"
        ;;
    esac
    # --timeout, --since and --source take free values: nothing to offer.
    return 0
}

_shm_tools() {
    local tool=${1##*/} cur=${COMP_WORDS[COMP_CWORD]} prev='' opt='' prefix=''
    local IFS=$'\n'
    COMPREPLY=()
    if ((COMP_CWORD > 0)); then
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    # Which option, if any, is the current word the value of? "--key=VALUE" arrives as three
    # words ("--key" "=" "VALUE") when '=' is in COMP_WORDBREAKS, as bash has it by default, and
    # as one word otherwise, in which case each reply has to keep the "--key=" part.
    if [[ $cur == = ]]; then
        opt=$prev cur=''
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
    elif [[ $prev == -?* ]]; then
        opt=$prev
    fi
    if [[ -n $opt ]] && _shm_tools_takes_value "$tool" "$opt"; then
        mapfile -t COMPREPLY < <(_shm_tools_values "$1" "$opt" "$cur")
        if [[ -n $prefix ]]; then
            COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
        fi
        return 0
    fi

    # Count the positional arguments before the current word, skipping option values.
    local i word skip=0 options_end=0 positionals=0 typed=
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if ((skip)); then
            skip=0
        elif ((options_end)); then
            positionals=$((positionals + 1))
        else
            case $word in
            --) options_end=1 ;;
            =) skip=1 ;; # the value of a split "--opt=value"
            -) positionals=$((positionals + 1)) ;;
            -*)
                typed+=$'\n'${word%%=*}
                if _shm_tools_takes_value "$tool" "$word" && [[ ${COMP_WORDS[i + 1]-} != = ]]; then
                    skip=1
                fi
                ;;
            *) positionals=$((positionals + 1)) ;;
            esac
        fi
    done

    if ((!options_end)) && [[ $cur == -* ]]; then
        # Leave out what the options typed so far exclude (and those already given).
        local excluded='' option offered=()
        while IFS= read -r word; do
            if [[ -n $word ]]; then excluded+=$'\n'$(_shm_tools_excludes "$tool" "$word"); fi
        done <<<"$typed"
        while IFS= read -r option; do
            if [[ $'\n'$excluded$'\n' != *$'\n'$option$'\n'* ]]; then offered+=("$option"); fi
        done < <(_shm_tools_options "$tool")
        mapfile -t COMPREPLY < <(compgen -W "${offered[*]}" -- "$cur")
    fi
    # shm-create --remove takes the keys to remove.
    if [[ $tool == shm-create && $'\n'$typed$'\n' == *$'\n'--remove$'\n'* && $cur != -* ]]; then
        mapfile -t COMPREPLY < <(_shm_tools_matching_keys "$1" "$cur")
    fi
    # shm-load takes one FILE, or "-" for standard input.
    if [[ $tool == shm-load ]] && ((positionals == 0)); then
        if [[ $cur != -* ]] || ((options_end)); then
            compopt -o filenames 2>/dev/null || true
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        if [[ -z $cur || $cur == - ]]; then
            COMPREPLY+=(-)
        fi
    fi
    return 0
}

complete -F _shm_tools shm-create shm-load shm-read
