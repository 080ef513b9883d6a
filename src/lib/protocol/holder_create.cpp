// Holder::start and Holder::create: check the size against the kernel's limits, make the key
// files and semaphore, and decide under the lock whether this holder creates the segment or
// adopts the orphan under the key.
#include "protocol/holder.h"

#include "sys/kernel_limits.h"
#include "protocol/segment_attach.h"
#include "protocol/segment_list.h"
#include "base/size_text.h"

#include <cerrno>
#include <cstring>
#include <sys/ipc.h>
#include <sys/shm.h>

using namespace layout;

Error Holder::heldBy(const IpcNames &names, const std::string &who, pid_t pid)
{
    return makeError(ExitCode::KeyHeld, names.key + ": held by " + who, Remedy::StopHolderOrChooseAnotherKey, pid);
}

Holder::Holder(IpcNames names, const HolderOptions &options) : m_names(std::move(names)), m_options(options) {}

Result<std::unique_ptr<Holder>> Holder::start(const IpcNames &names, const HolderOptions &options)
{
    const auto segmentSize =
        options.raw ? std::optional<std::uint64_t>(options.capacity) : segmentSizeFor(options.capacity);
    if (auto fits = checkKernelLimits(names.key, options.capacity, segmentSize); !fits)
        return fits.error();

    std::unique_ptr<Holder> holder(new Holder(names, options));
    if (auto created = holder->create(*segmentSize); !created)
        return created.error();
    return holder;
}

Status Holder::create(std::uint64_t segmentSize)
{
    auto segmentKeyFile = ensureKeyFile(m_names.segmentKeyFile, m_names, "segment");
    if (!segmentKeyFile)
        return segmentKeyFile.error();
    // Someone else's segment under the key is refused before anything is made or opened.
    if (auto existing = findSegment(m_names)) {
        auto status = statSegment(*existing, m_names);
        if (!status)
            return status.error();
        if (auto owned = requireOwnedSegment(*status, m_names); !owned)
            return owned.error();
    } else if (existing.error().code == ExitCode::Unsafe) {
        return existing.error();
    }
    auto semaphore = Semaphore::openOrCreate(m_names);
    if (!semaphore)
        return semaphore.error();
    auto semaphoreKeyFile = keyFileAt(m_names.semaphoreKeyFile, m_names, "semaphore");
    if (!semaphoreKeyFile)
        return semaphoreKeyFile.error();
    m_identity = keyIdentityOf(m_names, segmentKeyFile->id, semaphoreKeyFile->id);
    // A holder whose key files were removed (and are now new files, with another SysV key)
    // still holds the key: a second one would split loaders and readers between two segments.
    if (const auto other = findLiveHolder(m_names);
        other && (other->identity.segmentKeyFile.inode != m_identity.segmentKeyFile.inode ||
                  other->identity.segmentKeyFile.device != m_identity.segmentKeyFile.device))
        return heldBy(m_names,
                      "a running holder (PID " + std::to_string(other->holderPid) + ", segment " +
                          std::to_string(other->shmid) + "), whose key files in " + m_names.tempDir + " were removed",
                      other->holderPid);
    m_os = std::make_unique<SysvProtocolOs>(std::move(*semaphore));

    int shmid;
    {
        // The lock orders creators and adopters; shmget(IPC_EXCL) picks the one creator.
        auto lock = m_os->semaphore().lock(Deadline::after(m_options.lockTimeout));
        if (!lock)
            return lock.error();
        shmid = ::shmget(segmentKeyFile->key, segmentSize, 0600 | IPC_CREAT | IPC_EXCL);
        if (shmid != -1) {
            m_shmid = shmid; // ours from here on: the destructor removes what we made
            auto mapping = SegmentMapping::attach(shmid, segmentSize, m_names);
            if (!mapping)
                return mapping.error();
            m_mapping = std::move(*mapping);
            m_capacity = m_options.raw ? segmentSize : m_options.capacity;
            if (!m_options.raw) {
                m_protocol =
                    std::make_unique<SlotProtocol>(m_mapping.data(), segmentSize, *m_os, m_names.key, m_identity);
                m_protocol->initialise(m_options.capacity, m_identity);
            }
            return Done{};
        }
    }
    switch (errno) {
    case EEXIST: return adoptExisting();
    case EINVAL:
    case ENOMEM:
    case ENOSPC:
        return makeError(ExitCode::Usage,
                         m_names.key + ": cannot create a segment of " + formatSize(segmentSize) + " (" +
                             std::strerror(errno) + ": not enough memory, or kernel.shmall or kernel.shmmni exhausted)",
                         Remedy::SmallerCapacity);
    case EACCES:
        return makeError(ExitCode::Unsafe,
                         m_names.key + ": refusing: a segment of another user exists under the key; use another key");
    default: return makeError(ExitCode::Failure, m_names.key + ": shmget: " + std::strerror(errno));
    }
}
