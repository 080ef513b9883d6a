// SPDX-License-Identifier: BSD-3-Clause
#include "convert.h"

namespace shmtools::detail {

Error toPublic(const ::Error &error, const std::string &key)
{
    return Error{static_cast<ErrorCode>(error.code), error.message, key, error.pid, static_cast<Remedy>(error.remedy)};
}

VersionInfo toPublic(const ::VersionInfo &version)
{
    return VersionInfo{version.generation, version.length,     version.checksum,
                       version.source,     version.loadedAtMs, version.loaderPid};
}

SegmentInfo toPublic(const ::SegmentInfo &info)
{
    SegmentInfo out;
    out.key = info.names.key;
    out.nativeKey = info.names.segmentKeyFile;
    out.semaphoreKey = info.names.semaphoreKeyFile;
    out.tempDir = info.names.tempDir;
    out.shmid = info.status.shmid;
    out.semid = info.semid;
    out.segmentSize = info.status.size;
    out.attachments = info.status.attachments;
    out.owner = info.status.uid;
    out.capacity = info.capacity;
    out.formatVersion = info.formatVersion;
    out.createdAtMs = info.createdAtMs;
    out.holderPid = info.holderPid;
    out.readers = info.readers;
    out.hugePages = info.hugePages;
    out.latest = toPublic(info.latest);
    return out;
}

::Error toCore(const Error &error)
{
    return makeError(static_cast<ExitCode>(error.code), error.message, static_cast<::Remedy>(error.remedy), error.pid);
}

Result<IpcNames> namesFor(const std::string &key)
{
    auto names = ipcNamesFor(key);
    if (!names)
        return toPublic(names.error(), key);
    return *names;
}

} // namespace shmtools::detail

// The public codes are the core's exit codes, value for value.
static_assert(int(shmtools::ErrorCode::Failure) == int(ExitCode::Failure));
static_assert(int(shmtools::ErrorCode::Usage) == int(ExitCode::Usage));
static_assert(int(shmtools::ErrorCode::NoSegment) == int(ExitCode::NoSegment));
static_assert(int(shmtools::ErrorCode::KeyHeld) == int(ExitCode::KeyHeld));
static_assert(int(shmtools::ErrorCode::InputUnreadable) == int(ExitCode::InputUnreadable));
static_assert(int(shmtools::ErrorCode::TooLarge) == int(ExitCode::TooLarge));
static_assert(int(shmtools::ErrorCode::TimedOut) == int(ExitCode::TimedOut));
static_assert(int(shmtools::ErrorCode::InvalidContent) == int(ExitCode::InvalidContent));
static_assert(int(shmtools::ErrorCode::Unsafe) == int(ExitCode::Unsafe));
static_assert(int(shmtools::ErrorCode::Interrupted) == int(ExitCode::Interrupted));

// The public remedies are the core's, value for value.
static_assert(int(shmtools::Remedy::None) == int(::Remedy::None));
static_assert(int(shmtools::Remedy::StartHolder) == int(::Remedy::StartHolder));
static_assert(int(shmtools::Remedy::AdoptOrphan) == int(::Remedy::AdoptOrphan));
static_assert(int(shmtools::Remedy::RestartHolder) == int(::Remedy::RestartHolder));
static_assert(int(shmtools::Remedy::UseMatchingVersion) == int(::Remedy::UseMatchingVersion));
static_assert(int(shmtools::Remedy::StopHolderOrChooseAnotherKey) == int(::Remedy::StopHolderOrChooseAnotherKey));
static_assert(int(shmtools::Remedy::GiveKey) == int(::Remedy::GiveKey));
static_assert(int(shmtools::Remedy::UseRaw) == int(::Remedy::UseRaw));
static_assert(int(shmtools::Remedy::UseWithoutRaw) == int(::Remedy::UseWithoutRaw));
static_assert(int(shmtools::Remedy::RaiseTimeout) == int(::Remedy::RaiseTimeout));
static_assert(int(shmtools::Remedy::RaiseTimeoutOrStopLockHolder) == int(::Remedy::RaiseTimeoutOrStopLockHolder));
static_assert(int(shmtools::Remedy::LargerCapacity) == int(::Remedy::LargerCapacity));
static_assert(int(shmtools::Remedy::SmallerCapacity) == int(::Remedy::SmallerCapacity));
