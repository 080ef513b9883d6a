// SPDX-License-Identifier: BSD-3-Clause
// A program built on the public API that plays the participant cases of tests/library as real
// processes and threads: several Segments in one process, a main thread that calls
// pthread_exit() while a worker reads, and Segments across fork(). It prints what happened,
// one fact per line, and exits 0 only if the library behaved as segment.h promises.
//
//   participant_peer threads KEY ROUNDS       two threads, each with its own Segment, load and
//                                             read 4 MiB versions at once
//   participant_peer pthread-exit KEY         a worker pins a version inside read(consume) and
//                                             prints "pinned"; the main thread pthread_exit()s;
//                                             a line on stdin ends the read, which checks that
//                                             its bytes are intact
//   participant_peer fork-use KEY             a child uses its parent's Segment: refused
//   participant_peer fork-kill KEY            a child tries the parent's Segment, then loads with
//                                             its own and is killed mid-load; prints "killed"
//                                             and waits for a line on stdin (others load
//                                             meanwhile), then loads itself
//   participant_peer fork-serve KEY           holds KEY; a child calls the parent's Holder's
//                                             serve(): it must return 0 at once, serving nothing
//   participant_peer raw-fork-holder KEY      holds KEY, makes a child with syscall(SYS_fork)
//                                             (no pthread_atfork handlers run), prints
//                                             "child PID" and SIGKILLs itself; the child waits
//                                             until stdin closes (design.md, "What is not
//                                             guaranteed")
//   participant_peer holder-pthread-exit KEY [raw]
//                                             holds KEY (a raw segment with "raw"), served
//                                             from a second thread, prints "ready" and
//                                             pthread_exit()s the main thread; a SIGTERM ends
//                                             serve(), the holder removes everything, exit 0
//   participant_peer hold-token FILE TOKEN    what a participant inside the lock is to others:
//                                             an OFD lock on byte TOKEN of key file FILE;
//                                             prints "held", keeps it until stdin closes

#include <shmtools/holder.h>
#include <shmtools/interrupt.h>
#include <shmtools/segment.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using shmtools::ErrorCode;
using shmtools::Segment;

constexpr std::size_t kVersionBytes = 4 << 20;

// Content that says who wrote it everywhere: every 8-byte word is the same stamp, so a version
// with bytes of two loads in it is seen at once.
std::vector<std::byte> versionOf(std::uint64_t stamp)
{
    std::vector<std::byte> content(kVersionBytes);
    for (std::size_t i = 0; i < content.size(); i += sizeof stamp)
        std::memcpy(content.data() + i, &stamp, sizeof stamp);
    return content;
}

bool uniform(std::span<const std::byte> bytes)
{
    if (bytes.size() < 8)
        return true;
    for (std::size_t i = 8; i + 8 <= bytes.size(); i += 8)
        if (std::memcmp(bytes.data(), bytes.data() + i, 8) != 0)
            return false;
    return true;
}

Segment openOrDie(const std::string &key)
{
    auto segment = Segment::open(key, {std::chrono::seconds(20)});
    if (!segment) {
        std::printf("open failed: %s\n", segment.error().message.c_str());
        std::fflush(stdout);
        std::_Exit(3);
    }
    return std::move(*segment);
}

int threads(const std::string &key, int rounds)
{
    std::atomic<int> failures{0};
    const auto work = [&](int thread) {
        Segment segment = openOrDie(key); // one participant per thread
        for (int round = 0; round < rounds; ++round) {
            const auto content = versionOf((std::uint64_t(thread) << 32) | std::uint64_t(round));
            if (auto loaded = segment.load(shmtools::Input::bytes(content)); !loaded) {
                std::printf("thread %d load %d failed: %s\n", thread, round, loaded.error().message.c_str());
                ++failures;
            }
            bool torn = false;
            auto read = segment.read(
                [&](const shmtools::VersionInfo &, std::span<const std::byte> bytes) { torn = !uniform(bytes); });
            if (!read) {
                std::printf("thread %d read %d failed: %s\n", thread, round, read.error().message.c_str());
                ++failures;
            } else if (torn) {
                std::printf("thread %d read %d: bytes of two versions\n", thread, round);
                ++failures;
            }
        }
    };
    std::thread first(work, 1);
    std::thread second(work, 2);
    first.join();
    second.join();
    std::printf("failures %d\n", failures.load());
    return failures == 0 ? 0 : 1;
}

struct PthreadExitCase {
    std::string key;
};

void *pinningReader(void *argument)
{
    const auto *config = static_cast<PthreadExitCase *>(argument);
    Segment segment = openOrDie(config->key);
    bool intact = false;
    auto read = segment.read([&](const shmtools::VersionInfo &version, std::span<const std::byte> bytes) {
        const std::vector<std::byte> before(bytes.begin(), bytes.end());
        std::printf("pinned %llu\n", static_cast<unsigned long long>(version.generation));
        std::fflush(stdout);
        char line[16];
        [[maybe_unused]] const ssize_t n = ::read(STDIN_FILENO, line, sizeof line); // the test says when
        intact = std::memcmp(before.data(), bytes.data(), bytes.size()) == 0;
    });
    if (!read) {
        std::printf("read failed: %s\n", read.error().message.c_str());
        std::fflush(stdout);
        std::exit(1);
    }
    std::printf(intact ? "intact\n" : "overwritten\n");
    std::fflush(stdout);
    std::exit(intact ? 0 : 1); // ends the whole process: the main thread is long gone
}

int pthreadExit(const std::string &key)
{
    static PthreadExitCase config{key};
    pthread_t worker;
    if (::pthread_create(&worker, nullptr, pinningReader, &config) != 0)
        return 1;
    ::pthread_exit(nullptr); // /proc/PID/stat of this main thread now says Z; the process lives
}

void *servingHolder(void *holder)
{
    static_cast<shmtools::Holder *>(holder)->serve();
    delete static_cast<shmtools::Holder *>(holder); // removes segment, semaphore and key files
    std::exit(0);
}

int holderPthreadExit(const std::string &key, bool raw)
{
    shmtools::installInterruptHandlers();
    auto holder = shmtools::Holder::start(key, {.capacity = 1 << 20, .raw = raw});
    if (!holder) {
        std::fprintf(stderr, "holder-pthread-exit: %s\n", holder.error().message.c_str());
        return 1;
    }
    pthread_t server;
    if (::pthread_create(&server, nullptr, servingHolder, new shmtools::Holder(std::move(*holder))) != 0)
        return 1;
    std::printf("ready\n");
    std::fflush(stdout);
    ::pthread_exit(nullptr); // the process lives on in the serving thread
}

int forkUse(const std::string &key)
{
    Segment segment = openOrDie(key);
    const pid_t child = ::fork();
    if (child == 0) {
        std::string content;
        auto read = segment.read(content);
        auto loaded = segment.load(shmtools::Input::bytes(std::string_view("from the child")));
        const bool refused =
            !read && read.error().code == ErrorCode::Usage && !loaded && loaded.error().code == ErrorCode::Usage;
        std::printf("child: %s\n", read ? "read worked" : read.error().message.c_str());
        std::fflush(stdout);
        std::_Exit(refused ? 0 : 1); // Segment's destructor runs in the parent only
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    auto loaded = segment.load(shmtools::Input::bytes(std::string_view("from the parent")));
    std::printf("parent load: %s\n", loaded ? "ok" : loaded.error().message.c_str());
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && loaded ? 0 : 1;
}

int forkKill(const std::string &key)
{
    Segment segment = openOrDie(key);
    int input[2];
    int started[2];
    if (::pipe(input) != 0 || ::pipe(started) != 0)
        return 1;
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(input[1]);
        ::close(started[0]);
        shmtools::LoadOptions options;
        options.progress = [&](std::uint64_t, std::uint64_t) {
            [[maybe_unused]] const ssize_t n = ::write(started[1], "x", 1);
        };
        // The parent's Segment first, the case that failed: before, this load claimed a
        // slot in the parent's name, and the kill below left a claim naming the live parent.
        auto borrowed = segment.load(shmtools::Input::descriptor(input[0], "pipe"), options);
        std::printf("child: the parent's Segment: %s\n", borrowed ? "loaded" : borrowed.error().message.c_str());
        std::fflush(stdout);
        Segment own = openOrDie(key); // a participant of its own
        [[maybe_unused]] auto loaded = own.load(shmtools::Input::descriptor(input[0], "pipe"), options);
        std::_Exit(0);
    }
    ::close(input[0]);
    ::close(started[1]);
    [[maybe_unused]] const ssize_t w = ::write(input[1], "partial content", 15); // and never more
    char byte;
    if (::read(started[0], &byte, 1) != 1)
        return 1;
    ::kill(child, SIGKILL); // mid-load: its claim stays behind
    ::waitpid(child, nullptr, 0);
    std::printf("killed %d\n", static_cast<int>(child));
    std::fflush(stdout);
    char line[16];
    [[maybe_unused]] const ssize_t n = ::read(STDIN_FILENO, line, sizeof line); // others load meanwhile
    auto loaded = segment.load(shmtools::Input::bytes(std::string_view("after the kill")));
    std::printf("parent load: %s\n", loaded ? "ok" : loaded.error().message.c_str());
    ::close(input[1]);
    return loaded ? 0 : 1;
}

int forkServe(const std::string &key)
{
    auto holder = shmtools::Holder::start(key, {.capacity = 4096});
    if (!holder) {
        std::fprintf(stderr, "fork-serve: %s\n", holder.error().message.c_str());
        return 1;
    }
    const pid_t child = ::fork();
    if (child == 0) {
        std::string notice;
        bool served = false;
        const int signal = holder->serve([&](const shmtools::VersionInfo &) { served = true; },
                                         [&](const std::string &line) { notice = line; });
        std::printf("child: serve returned %d%s: %s\n", signal, served ? " after serving" : "", notice.c_str());
        std::fflush(stdout);
        std::_Exit(signal == 0 && !served ? 0 : 1); // the Holder's destructor runs in the parent only
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int rawForkHolder(const std::string &key)
{
    auto holder = shmtools::Holder::start(key, {.capacity = 4096});
    if (!holder) {
        std::fprintf(stderr, "raw-fork-holder: %s\n", holder.error().message.c_str());
        return 1;
    }
    // What clone()-based runtimes do: a child without the fork handlers, which inherits the
    // holder's descriptor and so its lock.
    const pid_t child = static_cast<pid_t>(::syscall(SYS_fork));
    if (child == 0) {
        char buffer[64];
        while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
        }
        ::_exit(0);
    }
    std::printf("child %d\n", static_cast<int>(child));
    std::fflush(stdout);
    ::kill(::getpid(), SIGKILL);
    return 1;
}

int holdToken(const std::string &file, std::uint64_t token)
{
    const int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(token);
    lock.l_len = 1;
    if (fd < 0 || ::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
        std::perror("hold-token");
        return 1;
    }
    std::printf("held\n");
    std::fflush(stdout);
    char buffer[64];
    while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(
            stderr,
            "usage: participant_peer threads|pthread-exit|fork-use|fork-kill|fork-serve|raw-fork-holder KEY [ROUNDS] | "
            "holder-pthread-exit KEY [raw] | hold-token FILE TOKEN\n");
        return 2;
    }
    const std::string mode = argv[1];
    const std::string key = argv[2];
    if (mode == "threads")
        return threads(key, argc > 3 ? std::atoi(argv[3]) : 20);
    if (mode == "pthread-exit")
        return pthreadExit(key);
    if (mode == "fork-use")
        return forkUse(key);
    if (mode == "fork-kill")
        return forkKill(key);
    if (mode == "fork-serve")
        return forkServe(key);
    if (mode == "raw-fork-holder")
        return rawForkHolder(key);
    if (mode == "holder-pthread-exit")
        return holderPthreadExit(key, argc > 3 && std::string(argv[3]) == "raw");
    if (mode == "hold-token" && argc > 3)
        return holdToken(key, std::strtoull(argv[3], nullptr, 0));
    std::fprintf(stderr, "participant_peer: unknown mode %s\n", mode.c_str());
    return 2;
}
