# bash completion for shm-create, shm-load and shm-read (shm-tools).
# Installed as completions/shm-create, with shm-load and shm-read as symlinks to it, so that
# bash-completion's on-demand loader finds it under any of the three names. Needs nothing from
# the bash-completion package: it can also be sourced on its own.

# The key files in $TMPDIR name only the letters of a key plus a hash, so existing keys cannot
# be listed; offer the keys that the tools would use by default instead.
_shm_tools_keys() {
    if [[ -n ${SHM_KEY-} && $SHM_KEY != fileloader_shm_key ]]; then
        printf '%s\n' "$SHM_KEY"
    fi
    printf '%s\n' fileloader_shm_key
}

# _shm_tools_options TOOL: the options of TOOL, one per line.
_shm_tools_options() {
    printf '%s\n' -k --key -t --timeout -q --quiet -h --help --version
    case $1 in
    shm-create) printf '%s\n' -s --size -d --detach --watch --raw ;;
    shm-load) printf '%s\n' --raw --progress --no-progress --source ;;
    shm-read)
        printf '%s\n' --info --json --list --wait --since --follow --exec --raw --all \
            --progress --no-progress
        ;;
    esac
}

# _shm_tools_takes_value TOOL OPTION: succeeds if OPTION of TOOL is followed by a value.
_shm_tools_takes_value() {
    case $2 in
    -k | --key | -t | --timeout) return 0 ;;
    -s | --size) [[ $1 == shm-create ]] ;;
    --source) [[ $1 == shm-load ]] ;;
    --since | --exec) [[ $1 == shm-read ]] ;;
    *) return 1 ;;
    esac
}

# _shm_tools_values OPTION CUR: the values of OPTION that start with CUR, one per line.
_shm_tools_values() {
    case $1 in
    -k | --key)
        # Not compgen -W, which would expand '$' and the like in $SHM_KEY.
        local key
        while IFS= read -r key; do
            if [[ $key == "$2"* ]]; then printf '%q\n' "$key"; fi
        done < <(_shm_tools_keys)
        ;;
    -s | --size) compgen -W "$(printf '%s\n' 4K 64K 1M 16M 256M 1G)" -- "$2" ;;
    --exec) compgen -c -- "$2" ;;
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
        mapfile -t COMPREPLY < <(_shm_tools_values "$opt" "$cur")
        if [[ -n $prefix ]]; then
            COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
        fi
        return 0
    fi

    # Count the positional arguments before the current word, skipping option values.
    local i word skip=0 options_end=0 positionals=0
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
                if _shm_tools_takes_value "$tool" "$word" && [[ ${COMP_WORDS[i + 1]-} != = ]]; then
                    skip=1
                fi
                ;;
            *) positionals=$((positionals + 1)) ;;
            esac
        fi
    done

    if ((!options_end)) && [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_shm_tools_options "$tool")" -- "$cur")
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
