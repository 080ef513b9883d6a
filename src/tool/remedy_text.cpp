// SPDX-License-Identifier: BSD-3-Clause
#include "remedy_text.h"

#include "near_name.h"
#include "shell_quote.h"

#include <shmtools/listing.h>

using shmtools::Remedy;

namespace {

std::string startHolderCommand(const std::string &key)
{
    return "'" + withKey("shm-create", key) + "'";
}

// What only a holder can change is an option of shm-create; from shm-create itself, its own.
std::string capacityOption(const std::string &tool, const char *larger)
{
    if (tool == "shm-create")
        return std::string("use a ") + larger + " -s";
    return std::string("start shm-create with a ") + larger + " -s";
}

std::string restartHolder(const std::string &tool, const shmtools::Error &error)
{
    return "stop its holder ('" + withKey("shm-create --remove", error.key) + "') and start a new one with " +
           startHolderCommand(error.key) +
           (tool == "shm-load" ? ", then load again" : "");
}

std::string withoutRaw(const std::string &tool)
{
    if (tool == "shm-load")
        return "load it without --raw";
    if (tool == "shm-read")
        return "read it without --raw";
    return "leave out --raw";
}

// A key with no segment is most often a typo: the nearest key under this TMPDIR that has one.
std::string nearestLiveKey(const std::string &key)
{
    std::vector<std::string> keys;
    if (auto listed = shmtools::listSegments())
        for (const shmtools::SegmentSummary &segment : *listed)
            if (segment.underThisTempDir && segment.keyComplete)
                keys.push_back(segment.key);
    return nearestName(key, keys);
}

std::string startOrChooseKey(const std::string &key, const std::string &tempDir)
{
    if (const std::string near = nearestLiveKey(key); !near.empty())
        return "did you mean -k " + shellQuote(near) + "? ('shm-read --list' shows your segments; or start one with " +
               startHolderCommand(key) + ")";
    return "'shm-read --list' shows your segments; or start one with " + startHolderCommand(key) +
           " (processes meet only under the same TMPDIR, here " + tempDir + ")";
}

} // namespace

std::string remedyText(const std::string &tool, const shmtools::Error &error, const std::string &tempDir)
{
    switch (error.remedy) {
    case Remedy::None: return {};
    case Remedy::StartHolder: return startOrChooseKey(error.key, tempDir);
    case Remedy::AdoptOrphan:
        return "run " + startHolderCommand(error.key) + " to adopt the segment and keep its content, or " +
               "'" + withKey("shm-create --remove", error.key) + "' to remove it";
    case Remedy::RestartHolder: return restartHolder(tool, error);
    case Remedy::UseMatchingVersion: return "use that version's tools with it, or " + restartHolder(tool, error);
    case Remedy::StopHolderOrChooseAnotherKey: return "stop it first, or choose another key with -k";
    case Remedy::GiveKey: return "give one with -k KEY or $SHM_KEY";
    case Remedy::UseRaw: return "use --raw to treat it as a plain Qt segment";
    case Remedy::UseWithoutRaw: return withoutRaw(tool);
    case Remedy::RaiseTimeout: return "retry, or raise -t/--timeout";
    case Remedy::RaiseTimeoutOrStopLockHolder: return "retry, raise -t/--timeout, or stop the process holding it";
    case Remedy::LargerCapacity: return capacityOption(tool, "larger");
    case Remedy::SmallerCapacity: return capacityOption(tool, "smaller");
    case Remedy::ContinueStoppedProcess:
        return "'kill -CONT " + std::to_string(error.pid) + "' lets it go on (a signal sent meanwhile stays pending)";
    case Remedy::RemoveAgain: return "run '" + withKey("shm-create --remove", error.key) + "' again";
    case Remedy::JoinHolderIpcNamespace:
        // shm-create would be refused there too (exit 4): the key files are that holder's.
        return "run " + tool + " in the holder's IPC namespace (in its container; or start the container with "
               "'docker run --ipc=host' for a holder on the host, '--ipc=container:NAME' for one in container NAME)";
    case Remedy::RemoveLeftovers:
        return "once that is possible, '" + withKey("shm-create --remove", error.key) + "' removes them";
    }
    return {};
}

std::string otherKeyHint(const std::string &key)
{
    if (const std::string near = nearestLiveKey(key); !near.empty())
        return "did you mean -k " + shellQuote(near) + "? ('shm-read --list' shows your segments)";
    return "'shm-read --list' shows your segments";
}
