#include "holder.h"

#include "futex.h"
#include "interrupt.h"
#include "kernel_limits.h"
#include "process_stamp.h"
#include "segment_layout.h"
#include "size_text.h"

#include <QSharedMemory>
#include <cstring>
#include <sys/shm.h>

using namespace layout;

namespace {

Error heldBy(const IpcNames &names, const std::string &who)
{
    return makeError(ExitCode::KeyHeld,
                     names.key + ": held by " + who + "; stop it first, or choose another key with -k");
}

} // namespace

Holder::Holder(IpcNames names, const HolderOptions &options) : m_names(std::move(names)), m_options(options) {}

Result<std::unique_ptr<Holder>> Holder::start(const IpcNames &names, const HolderOptions &options)
{
    const auto segmentSize =
        options.raw ? std::optional<std::uint64_t>(options.capacity) : segmentSizeFor(options.capacity);
    if (auto fits = checkKernelLimits(names.key, options.capacity, segmentSize); !fits)
        return fits.error();

    std::unique_ptr<Holder> holder(new Holder(names, options));
    auto shmid = findSegment(names);
    if (shmid) {
        auto status = statSegment(*shmid, names);
        if (!status)
            return status.error();
        if (auto owned = requireOwnedSegment(*status, names); !owned)
            return owned.error();
        if (auto taken = holder->takeOver(*shmid, *status); !taken)
            return taken.error();
        return holder;
    }
    if (shmid.error().code != ExitCode::NoSegment)
        return shmid.error();
    if (auto created = holder->createFresh(*segmentSize); !created)
        return created.error();
    return holder;
}

Status Holder::createFresh(std::uint64_t segmentSize)
{
    // A semaphore without a segment was left by a holder that was killed after its segment was
    // removed by hand; Qt would reuse it without owning it, and nobody would ever remove it.
    if (Semaphore::exists(m_names)) {
        auto stale = Semaphore::open(m_names);
        if (!stale)
            return stale.error();
        stale->remove();
    }
    m_qt = std::make_unique<QSharedMemory>(QString::fromStdString(m_names.key));
    if (!m_qt->create(static_cast<qsizetype>(segmentSize))) {
        const std::string why = m_qt->errorString().toStdString();
        switch (m_qt->error()) {
        case QSharedMemory::AlreadyExists: return heldBy(m_names, "another shm-create that started at the same moment");
        case QSharedMemory::InvalidSize:
        case QSharedMemory::OutOfResources:
            return makeError(ExitCode::Usage, m_names.key + ": cannot create a segment of " + formatSize(segmentSize) +
                                                  " (" + why +
                                                  ": not enough memory, or kernel.shmall or "
                                                  "kernel.shmmni exhausted); use a smaller -s");
        case QSharedMemory::PermissionDenied:
            return makeError(ExitCode::Unsafe, m_names.key + ": refusing: " + why + "; use another key");
        default:
            return makeError(ExitCode::Failure, m_names.key + ": cannot create the segment in " + m_names.tempDir +
                                                    " (" + why + "); check that TMPDIR is writable");
        }
    }
    auto shmid = findSegment(m_names);
    if (!shmid)
        return shmid.error();
    if (auto attached = finishAttach(*shmid); !attached)
        return attached.error();
    if (m_options.raw) {
        m_capacity = segmentSize;
        return Done{};
    }
    auto lock = m_semaphore->lock(Deadline::after(m_options.lockTimeout));
    if (!lock)
        return lock.error();
    SegmentHeader header = initialHeader(m_options.capacity);
    header.holder = stampOf(ProcessIdentity::self());
    header.createdAtMs = unixTimeMs();
    // Magic last: until the header is complete the segment does not look like ours.
    std::memcpy(m_base + sizeof header.magic, reinterpret_cast<const char *>(&header) + sizeof header.magic,
                sizeof header - sizeof header.magic);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    std::memcpy(m_base, header.magic, sizeof header.magic);
    m_capacity = m_options.capacity;
    return Done{};
}

Status Holder::takeOver(int shmid, const SegmentStatus &status)
{
    if (status.markedForRemoval)
        return heldBy(m_names, "a holder that is just stopping; retry in a moment");
    auto mapping = SegmentMapping::attach(shmid, status.size, m_names);
    if (!mapping)
        return mapping.error();
    SegmentHeader copy{};
    std::memcpy(&copy, mapping->data(), std::min<std::uint64_t>(sizeof copy, status.size));
    const HeaderVerdict verdict =
        status.size >= kHeaderSize ? checkHeader(copy, status.size) : HeaderVerdict{HeaderCheck::Foreign, "too small"};
    if (verdict.check == HeaderCheck::Foreign || m_options.raw) {
        if (status.attachments > 0)
            return heldBy(m_names, "another program (segment " + std::to_string(shmid) + ", created by PID " +
                                       std::to_string(status.creatorPid) + ")");
        return makeError(ExitCode::InvalidContent,
                         m_names.key + ": an orphaned segment " +
                             (verdict.check == HeaderCheck::Foreign ? "not made by shm-tools" : "of shm-tools format") +
                             " exists under this key; remove it with 'ipcrm -m " + std::to_string(shmid) + "'");
    }
    if (verdict.check == HeaderCheck::Corrupt)
        return makeError(ExitCode::InvalidContent, m_names.key + ": the orphaned segment's header is corrupt (" +
                                                       verdict.problem + "); remove it with 'ipcrm -m " +
                                                       std::to_string(shmid) + "'");
    if (isAlive(copy.holder))
        return heldBy(m_names, "shm-create (PID " + std::to_string(copy.holder.pid) + ")");

    // Adoption. Decided under the dead holder's semaphore so that two adopters cannot both
    // win; then that semaphore is replaced by one Qt creates for us, so that it is ours to
    // remove when we stop.
    auto stale = Semaphore::open(m_names);
    if (!stale && stale.error().code != ExitCode::NoSegment)
        return stale.error();
    {
        std::optional<Semaphore::Lock> lock;
        if (stale) {
            auto taken = stale->lock(Deadline::after(m_options.lockTimeout));
            if (!taken)
                return taken.error();
            lock.emplace(std::move(*taken));
        }
        auto &header = *reinterpret_cast<SegmentHeader *>(mapping->data());
        if (isAlive(header.holder))
            return heldBy(m_names, "shm-create (PID " + std::to_string(header.holder.pid) + ")");
        header.holder = stampOf(ProcessIdentity::self());
        for (SlotMeta &slot : header.slots)
            if (slot.state == SlotWriting && !isAlive(slot.writer))
                slot.state = SlotFree;
        for (layout::ReaderPin &pin : header.pins)
            if (pin.reader.pid != 0 && !isAlive(pin.reader))
                pin.reader.pid = 0;
        m_kept = latestVersion(header);
    }
    if (stale)
        stale->remove();

    m_qt = std::make_unique<QSharedMemory>(QString::fromStdString(m_names.key));
    if (!m_qt->attach())
        return makeError(ExitCode::Failure,
                         m_names.key + ": cannot adopt the orphaned segment: " + m_qt->errorString().toStdString());
    m_adopted = true;
    m_capacity = copy.capacity;
    return finishAttach(shmid);
}

Status Holder::finishAttach(int shmid)
{
    m_shmid = shmid;
    auto status = statSegment(shmid, m_names);
    if (!status)
        return status.error();
    if (auto owned = requireOwnedSegment(*status, m_names); !owned)
        return owned.error();
    auto mapping = SegmentMapping::attach(shmid, status->size, m_names);
    if (!mapping)
        return mapping.error();
    m_mapping = std::move(*mapping);
    m_base = m_mapping.data();
    auto semaphore = Semaphore::open(m_names);
    if (!semaphore)
        return semaphore.error();
    m_semaphore.emplace(std::move(*semaphore));
    return Done{};
}

SegmentHeader &Holder::header() const
{
    return *reinterpret_cast<SegmentHeader *>(m_base);
}

int Holder::serve(const std::function<void(const VersionInfo &)> &onVersion)
{
    // A raw segment has no counter to sleep on; a private word serves the signal handler.
    std::uint32_t privateWord = 0;
    std::uint32_t *word = m_options.raw ? &privateWord : &header().changeCounter;
    std::uint64_t reported = m_kept.generation;
    while (!interruptSignal()) {
        const std::uint32_t counter = loadWord(word);
        if (onVersion && !m_options.raw) {
            if (auto lock = m_semaphore->lock(Deadline::after(m_options.lockTimeout))) {
                const VersionInfo latest = latestVersion(header());
                lock->unlock();
                if (latest.generation > reported) {
                    reported = latest.generation;
                    onVersion(latest);
                }
            }
        }
        waitWhileEqual(word, counter, Deadline::never());
    }
    return interruptSignal();
}

Holder::~Holder()
{
    if (m_shmid == -1)
        return; // never became the holder: what exists under the key belongs to someone else
    // Mark the segment for removal first (attached processes keep their mapping, nobody new
    // finds it), then wake every waiter so it sees that, then remove the semaphore and files.
    ::shmctl(m_shmid, IPC_RMID, nullptr);
    if (!m_options.raw)
        bumpAndWake(&header().changeCounter);
    if (m_semaphore)
        m_semaphore->remove();
    removeKeyFiles(m_names);
    // Qt's detach now finds the semaphore gone, makes a private one of its own and removes it
    // again, and the segment already removed: it cannot block on a lock someone else holds.
    m_qt.reset();
}
