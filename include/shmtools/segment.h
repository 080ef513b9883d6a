// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// A shm-tools segment seen by a loader or a reader: open it by key, load a new version, read the
// latest one, wait for the next, describe it. Versions are published whole (a reader never sees
// a half-loaded version; a loader that dies loses nothing published), checksummed, and copied
// without holding the lock, so a slow neighbour never stalls anyone.
//
// Participants. Each Segment object is one participant of the key, whatever process or thread
// it lives in: its claims (a load in progress) and pins (a read in progress) name the object,
// not the process. So:
// - Threads: a Segment is used by one thread at a time. Give each thread that loads or reads
//   its own Segment: several Segments in one process are distinct participants and exclude
//   each other exactly as separate processes do (a load never overwrites a version another
//   Segment of the same process is reading). A program whose main thread calls pthread_exit()
//   while other threads run is alive: its Segments' claims and pins stand.
// - Liveness: a participant lives as long as its process (the whole thread group) does,
//   decided by the kernel, in any PID namespace that shares the IPC namespace and TMPDIR, and
//   never confused by a reused PID. It costs one descriptor per Segment (on the key file).
// - fork(): a Segment used after fork() either works or refuses with a clear error. It belongs
//   to the process that opened it: there it works on; in the child every call on it returns
//   ErrorCode::Usage ("... opened before fork() ...; open a new Segment in the child") and its
//   destructor touches nothing shared; a Segment opened in the child works. A child never keeps
//   the parent's participant alive, whatever other threads were doing at the fork (opening or
//   closing Segments): its descriptor is closed in the child at fork(), by the C library's
//   fork handlers. A child made without them (syscall(SYS_fork), a raw clone()) inherits the
//   descriptor and keeps the participant alive (a pin, a claim) until it exits or exec()s: every
//   descriptor the library opens is close-on-exec, so a child that exec()s carries none of them.
// Every blocking step is bounded (the lock by OpenOptions::lockTimeout, waits by their own
// timeout) and returns ErrorCode::Interrupted on a signal once installInterruptHandlers() was
// called. A wait for another participant notices its death within about 0.1 s, without a thread
// or an extra descriptor.

#include <shmtools/error.h>
#include <shmtools/export.h>
#include <shmtools/input.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shmtools {

/// The key the seed example and the tools use by default.
inline constexpr const char *kDefaultKey = "fileloader_shm_key";

/// Durations in seconds, decimals allowed: std::chrono::seconds(2) or Seconds(0.5).
using Seconds = std::chrono::duration<double>;

/// The bound on a wait for a segment's lock when none is given: the default of
/// OpenOptions::lockTimeout, HolderOptions::lockTimeout and removeSegment()'s timeout, and of the
/// tools' -t. A program built against this header keeps the value it was built with.
inline constexpr Seconds kDefaultLockTimeout{10};

/// Called as bytes move: (done, total); total is 0 when unknown (a pipe).
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// A published version.
struct VersionInfo {
    std::uint64_t generation = 0; ///< 1 for the first load, +1 per load; 0: never loaded
    std::uint64_t length = 0;     ///< bytes
    std::uint64_t checksum = 0;   ///< XXH3-64 of the content (the tools show it as "xxh3:" and 16 hex digits)
    std::string source;           ///< the name the loader recorded
    std::int64_t loadedAtMs = 0;  ///< Unix time in milliseconds
    pid_t loaderPid = 0;
};

/// Everything known about a segment and its latest version.
struct SegmentInfo {
    std::string key;
    std::string nativeKey;    ///< the segment's key file (QSharedMemory::nativeKey())
    std::string semaphoreKey; ///< the semaphore's key file
    std::string tempDir;      ///< where both live (QDir::tempPath(), i.e. $TMPDIR)
    int shmid = -1;
    int semid = -1;
    std::uint64_t segmentSize = 0; ///< header plus two slots
    std::uint64_t attachments = 0; ///< attachments now (shm_nattch), this Segment's own not counted
    uid_t owner = 0;
    std::uint64_t capacity = 0; ///< the largest version it takes
    std::uint32_t formatVersion = 0;
    std::int64_t createdAtMs = 0;
    pid_t holderPid = 0; ///< 0 if the holder runs in another PID namespace (a container)
    int readers = 0; ///< live readers copying a version out now
    bool hugePages = false; ///< the latest version (or, before a load, the header) is mapped by 2 MiB pages
    VersionInfo latest;
};

/// Checks that `key` can name a segment (what every call taking a key checks first), so that a
/// program can refuse a bad key before doing anything else. Usage for an empty or too long key.
SHMTOOLS_EXPORT Status checkKey(const std::string &key);

struct OpenOptions {
    /// Bound on every wait for the segment's lock (and for a free slot when loading).
    Seconds lockTimeout = kDefaultLockTimeout;
};

struct LoadOptions {
    /// Recorded as the version's source; empty: the input's name.
    std::string source;
    Progress progress;
};

/// Where Segment::readTo writes a version.
struct Sink {
    int fd = -1;
    /// Whether the consumer may stop reading early (a command that ignores part of its input):
    /// EPIPE then ends the write without an error. SIGPIPE must be ignored for that.
    bool earlyCloseIsFine = false;
};

class SHMTOOLS_EXPORT Segment {
public:
    /// Attaches to the shm-tools segment under `key` as a new participant. Usage for an empty or
    /// too long key; Failure naming RLIMIT_NOFILE if no file descriptor is left;
    /// NoSegment if there is none or its holder is not running (nothing is touched then); Unsafe
    /// if it or its key files are not this user's alone; InvalidContent for a foreign (plain Qt,
    /// see raw.h) or corrupt segment; TimedOut if the lock stays taken.
    static Result<Segment> open(const std::string &key, const OpenOptions &options = {});
    /// A moved-from Segment may only be destroyed or assigned to.
    Segment(Segment &&other) noexcept;
    Segment &operator=(Segment &&other) noexcept;
    ~Segment();

    /// The key it was opened with. Never fails.
    const std::string &key() const;
    /// The capacity: the largest version this segment takes. Never fails.
    std::uint64_t capacity() const;

    /// Streams `input` into the free slot and publishes it as the next generation. TooLarge if it
    /// exceeds the capacity (the published version untouched); InputUnreadable if the input
    /// cannot be opened or read; TimedOut if no slot frees up in time (another load in
    /// progress, or a reader still on the previous version); NoSegment if the holder stopped.
    Result<VersionInfo> load(const Input &input, const LoadOptions &options = {});

    /// Writes the latest version to `fd` after verifying its checksum. Generation 0 and nothing
    /// written if never loaded. InvalidContent on a checksum mismatch (nothing written); Failure
    /// if writing fails (EPIPE only if the program ignores SIGPIPE, which otherwise ends it, as
    /// for any writer); Interrupted on a signal.
    Result<VersionInfo> readTo(int fd, const Progress &progress = {});
    /// As readTo(fd), with the sink chosen once the version is known (e.g. a command started
    /// with the generation in its environment); an error from `sinkFor` is returned as is.
    Result<VersionInfo> readTo(const std::function<Result<Sink>(const VersionInfo &)> &sinkFor,
                               const Progress &progress = {});
    /// The latest version's content into `content` (replaced; empty if never loaded). Fails as
    /// readTo; `content` is left empty on failure.
    Result<VersionInfo> read(std::vector<std::byte> &content);
    /// The same into a string (binary-safe: it may hold NULs).
    Result<VersionInfo> read(std::string &content);
    /// Calls `consume` once with the verified latest version and its bytes, straight from the
    /// segment (empty if never loaded); the bytes are valid only during the call, which keeps
    /// the version pinned (a second load meanwhile waits). Fails as readTo, before calling.
    Result<VersionInfo> read(const std::function<void(const VersionInfo &, std::span<const std::byte>)> &consume);

    /// The generation published now (0 if none). Fails as open for a segment gone bad.
    Result<std::uint64_t> currentGeneration();
    /// Blocks without polling until the generation exceeds `after`, and returns it. TimedOut
    /// after `timeout` (nullopt: no limit); NoSegment at once if the holder stops or dies
    /// meanwhile; Interrupted on a signal.
    Result<std::uint64_t> waitForGenerationAbove(std::uint64_t after, std::optional<Seconds> timeout);

    /// The segment and its latest version, read under the lock. Fails as open.
    Result<SegmentInfo> describe();

private:
    struct Impl;
    explicit Segment(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Opens the segment under `key` and describes it. Fails as Segment::open.
SHMTOOLS_EXPORT Result<SegmentInfo> describe(const std::string &key, const OpenOptions &options = {});

} // namespace shmtools
