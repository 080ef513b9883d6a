// SPDX-License-Identifier: BSD-3-Clause
#include "sys/shm_segment.h"

#include "sys/key_file.h"
#include "sys/text_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <unistd.h>
#include <utility>

namespace shmtools::detail {

Result<int> findSegment(const IpcNames &names)
{
    auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment");
    if (!keyFile)
        return keyFile.error();
    const int shmid = ::shmget(keyFile->key, 0, 0);
    if (shmid != -1)
        return shmid;
    if (errno == ENOENT)
        return makeError(ErrorCode::NoSegment,
                         names.key + ": no such segment (key file " + names.segmentKeyFile +
                             " exists, segment does not)",
                         Remedy::StartHolder);
    if (errno == EACCES)
        return makeError(ErrorCode::Unsafe,
                         names.key + ": refusing: the segment belongs to another user; use another key");
    return makeError(ErrorCode::Failure, names.key + ": shmget: " + std::strerror(errno));
}

Result<SegmentStatus> statSegment(int shmid, const IpcNames &names)
{
    shmid_ds ds{};
    if (::shmctl(shmid, IPC_STAT, &ds) != 0) {
        if (errno == EINVAL || errno == EIDRM)
            return makeError(ErrorCode::NoSegment, names.key + ": the segment was removed (its holder stopped)",
                             Remedy::StartHolder);
        if (errno == EACCES)
            return makeError(ErrorCode::Unsafe,
                             names.key + ": refusing: the segment belongs to another user; use another key");
        return makeError(ErrorCode::Failure, names.key + ": shmctl IPC_STAT: " + std::strerror(errno));
    }
    SegmentStatus status;
    status.shmid = shmid;
    status.size = ds.shm_segsz;
    status.uid = ds.shm_perm.uid;
    status.cuid = ds.shm_perm.cuid;
    status.mode = ds.shm_perm.mode & 0777;
    status.creatorPid = ds.shm_cpid;
    status.lastPid = ds.shm_lpid;
    status.changed = static_cast<std::int64_t>(ds.shm_ctime);
    status.attachments = ds.shm_nattch;
    status.markedForRemoval = (ds.shm_perm.mode & SHM_DEST) != 0;
    return status;
}

Status requireOwnedSegment(const SegmentStatus &status, const IpcNames &names)
{
    const uid_t me = ::geteuid();
    if (status.uid != me || status.cuid != me)
        return makeError(ErrorCode::Unsafe, names.key + ": refusing: segment " + std::to_string(status.shmid) +
                                               " belongs to uid " + std::to_string(status.uid) + " (created by uid " +
                                               std::to_string(status.cuid) + "), not to you; use another key");
    if (status.mode & 077) {
        char mode[16];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(status.mode));
        return makeError(ErrorCode::Unsafe, names.key + ": refusing: segment " + std::to_string(status.shmid) +
                                               " is open to other users (mode " + mode +
                                               "); remove it with 'ipcrm -m " + std::to_string(status.shmid) +
                                               "' or use another key");
    }
    return {};
}

NewSegment createSegmentExclusive(key_t key, std::uint64_t size)
{
    NewSegment made;
    made.shmid = ::shmget(key, size, 0600 | IPC_CREAT | IPC_EXCL);
    if (made.shmid == -1)
        made.error = errno;
    return made;
}

void removeSegment(int shmid)
{
    ::shmctl(shmid, IPC_RMID, nullptr);
}

bool copySegmentStart(int shmid, void *out, std::size_t bytes, int *error)
{
    void *address = ::shmat(shmid, nullptr, SHM_RDONLY);
    if (address == reinterpret_cast<void *>(-1)) {
        if (error)
            *error = errno;
        return false;
    }
    std::memcpy(out, address, bytes);
    ::shmdt(address);
    return true;
}

SegmentMapping::SegmentMapping(SegmentMapping &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{
}

SegmentMapping &SegmentMapping::operator=(SegmentMapping &&other) noexcept
{
    if (this != &other) {
        if (m_data)
            ::shmdt(m_data);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SegmentMapping::~SegmentMapping()
{
    if (m_data)
        ::shmdt(m_data);
}

namespace {

// shmat's ENOMEM: no room in the address space for the whole segment, most often a process
// limit (ulimit -v, a service's MemoryMax does not count here) rather than the machine's memory.
std::string addressSpaceLimit()
{
    if (rlimit as{}; ::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
        return "; RLIMIT_AS is " + std::to_string(as.rlim_cur / 1024) + " KiB, see 'ulimit -v'";
    return {};
}

// For a segment this process just made, the size asked for is what the limit refuses.
Error addressSpaceError(const IpcNames &names, std::uint64_t size, MappedSize mappedSize)
{
    const std::string facts = names.key + ": cannot map the segment (" + std::to_string(size) +
                              " bytes): no room in this process's address space (ENOMEM" + addressSpaceLimit() +
                              ")";
    if (mappedSize == MappedSize::Requested)
        return makeError(ErrorCode::Usage, facts + "; raise the limit (ulimit -v) or free memory",
                         Remedy::SmallerCapacity);
    return makeError(ErrorCode::Failure, facts + "; raise the limit (ulimit -v) or free memory, and retry");
}

} // namespace

Result<SegmentMapping> SegmentMapping::attach(int shmid, std::uint64_t size, const IpcNames &names,
                                              MappingAccess access, MappedSize mappedSize)
{
    void *address = attachSegmentMemory(shmid, size, access);
    if (address == reinterpret_cast<void *>(-1)) {
        if (errno == EIDRM || errno == EINVAL)
            return makeError(ErrorCode::NoSegment, names.key + ": the segment was removed (its holder stopped)",
                             Remedy::StartHolder);
        if (errno == ENOMEM)
            return addressSpaceError(names, size, mappedSize);
        return makeError(ErrorCode::Failure, names.key + ": shmat: " + std::strerror(errno));
    }
    SegmentMapping mapping;
    mapping.m_data = static_cast<unsigned char *>(address);
    mapping.m_size = size;
    return mapping;
}

std::string attachFailureCause(int error)
{
    if (error == ENOMEM)
        return "ENOMEM: no room in this process's address space" + addressSpaceLimit();
    const char *name = strerrorname_np(error);
    return (name ? std::string(name) + ": " : std::string()) + std::strerror(error);
}

std::optional<std::vector<SegmentTableRow>> segmentTable()
{
    const auto text = readTextFile("/proc/sysvipc/shm");
    if (!text)
        return std::nullopt;
    std::istringstream table(*text);
    std::vector<SegmentTableRow> rows;
    std::string line;
    std::getline(table, line); // column titles
    while (std::getline(table, line)) {
        // key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
        std::istringstream fields(line);
        long long key = 0;
        SegmentTableRow row;
        if (!(fields >> key >> row.shmid))
            continue;
        row.key = static_cast<key_t>(key);
        std::string skipped;
        for (int column = 2; column < 14; ++column)
            fields >> skipped;
        std::uint64_t rss = 0, swap = 0;
        row.bytesInUse = fields >> rss >> swap ? rss + swap : ~std::uint64_t(0); // unknown: all in use
        rows.push_back(row);
    }
    return rows;
}

std::optional<std::uint64_t> segmentBytesInUse(int shmid)
{
    if (auto rows = segmentTable())
        for (const SegmentTableRow &row : *rows)
            if (row.shmid == shmid)
                return row.bytesInUse;
    return std::nullopt;
}

bool segmentExistsUnder(key_t key)
{
    return ::shmget(key, 0, 0) != -1 || errno != ENOENT;
}

} // namespace shmtools::detail
