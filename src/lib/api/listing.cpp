// A stopgap listing until the core enumerates segments itself (from the identity a format-2
// header records): /proc/sysvipc/shm narrowed to this user's segments with a valid shm-tools
// header, each header copied through a read-only attachment, without the segment's lock.
#include "protocol/process_stamp.h"
#include "format/segment_layout.h"

#include <shmtools/listing.h>

#include <QDir>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shmtools {

namespace {

constexpr char kSysvList[] = "/proc/sysvipc/shm";
constexpr char kKeyFilePrefix[] = "qipc_sharedmemory_";

struct ListedSegment {
    key_t key = 0;
    int shmid = -1;
    unsigned mode = 0;
    std::uint64_t size = 0;
    std::uint64_t attachments = 0;
    uid_t uid = 0;
    uid_t cuid = 0;
};

// One line of /proc/sysvipc/shm: key shmid perms(octal) size cpid lpid nattch uid gid cuid ...
std::optional<ListedSegment> parseLine(const std::string &line)
{
    std::istringstream in(line);
    ListedSegment s;
    pid_t cpid = 0, lpid = 0;
    gid_t gid = 0;
    in >> s.key >> s.shmid >> std::oct >> s.mode >> std::dec >> s.size >> cpid >> lpid >> s.attachments >> s.uid >>
        gid >> s.cuid;
    if (!in)
        return std::nullopt;
    return s;
}

// The key files under TMPDIR by the System V key they lead to.
std::map<key_t, std::string> keyFilesHere()
{
    std::map<key_t, std::string> files;
    const QDir dir(QDir::tempPath());
    const QStringList names = dir.entryList({QString::fromLatin1(kKeyFilePrefix) + u'*'}, QDir::Files | QDir::System);
    for (const QString &name : names) {
        const std::string path = dir.filePath(name).toStdString();
        struct stat info {};
        if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid())
            continue;
        if (const key_t key = ::ftok(path.c_str(), 'Q'); key != -1)
            files.emplace(key, path);
    }
    return files;
}

// A copy of the segment's header, if it is a valid shm-tools one.
std::optional<layout::SegmentHeader> headerOf(const ListedSegment &s)
{
    if (s.size < layout::kHeaderSize)
        return std::nullopt;
    void *address = ::shmat(s.shmid, nullptr, SHM_RDONLY);
    if (address == reinterpret_cast<void *>(-1))
        return std::nullopt;
    layout::SegmentHeader copy;
    std::memcpy(&copy, address, sizeof copy);
    ::shmdt(address);
    if (layout::checkHeader(copy, s.size).check != layout::HeaderCheck::Valid)
        return std::nullopt;
    return copy;
}

} // namespace

Result<std::vector<SegmentSummary>> listSegments()
{
    std::ifstream list(kSysvList);
    if (!list)
        return Error{
            ErrorCode::Failure, std::string("cannot list segments: ") + kSysvList + ": " + std::strerror(errno), {}, 0};
    const uid_t me = ::geteuid();
    const auto keyFiles = keyFilesHere();
    std::vector<SegmentSummary> found;
    std::string line;
    std::getline(list, line); // the column titles
    while (std::getline(list, line)) {
        const auto listed = parseLine(line);
        // Only segments this user owns alone: the others are refused by every other call too.
        if (!listed || listed->uid != me || listed->cuid != me || (listed->mode & 077) != 0)
            continue;
        const auto header = headerOf(*listed);
        if (!header)
            continue;
        SegmentSummary summary;
        if (const auto file = keyFiles.find(listed->key); file != keyFiles.end())
            summary.nativeKey = file->second;
        summary.shmid = listed->shmid;
        summary.sysvKey = listed->key;
        summary.segmentSize = listed->size;
        summary.attachments = listed->attachments;
        summary.capacity = header->capacity;
        if (header->activeSlot != layout::kNoSlot) {
            summary.generation = header->slots[header->activeSlot].generation;
            summary.length = header->slots[header->activeSlot].length;
        }
        summary.holderPid = header->holder.pid;
        summary.holderAlive = isAlive(header->holder);
        found.push_back(std::move(summary));
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.shmid < b.shmid; });
    return found;
}

} // namespace shmtools
