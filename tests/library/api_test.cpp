// SPDX-License-Identifier: BSD-3-Clause
// The public API as a program sees it: a Holder and Segments in one process, under a private
// TMPDIR (removed afterwards), each test with its own key.
#include "support/catch_compat.h"

#include <shmtools/qt.h>
#include <shmtools/shmtools.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace shmtools;
using namespace std::chrono_literals;

namespace {

// Every key file of this program goes to a directory of its own, removed at exit.
struct PrivateTempDir {
    PrivateTempDir()
    {
        char pattern[] = "/tmp/shm-api-test.XXXXXX";
        path = ::mkdtemp(pattern);
        ::setenv("TMPDIR", path.c_str(), 1);
    }
    ~PrivateTempDir() { std::filesystem::remove_all(path); }
    std::string path;
};
const PrivateTempDir g_tempDir;

std::string uniqueKey()
{
    static std::atomic<int> counter{0};
    return "api-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

Holder startHolder(const std::string &key, std::uint64_t capacity = 1 << 20, bool raw = false)
{
    auto holder = Holder::start(key, HolderOptions{capacity, raw, 2s});
    if (!holder)
        FAIL(holder.error().message);
    return std::move(*holder);
}

Segment openSegment(const std::string &key)
{
    auto segment = Segment::open(key, {2s});
    if (!segment)
        FAIL(segment.error().message);
    return std::move(*segment);
}

// Binary content: every byte value, NULs included.
std::string binaryContent(std::size_t length)
{
    std::string content(length, '\0');
    for (std::size_t i = 0; i < length; ++i)
        content[i] = static_cast<char>(i * 7 % 256);
    return content;
}

// What readTo(fd) wrote, through a memfd.
std::string readThroughDescriptor(Segment &segment)
{
    const int fd = ::memfd_create("api-test", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    auto version = segment.readTo(fd);
    REQUIRE(version.ok());
    std::string content(version->length, '\0');
    REQUIRE(::pread(fd, content.data(), content.size(), 0) == ssize_t(content.size()));
    ::close(fd);
    return content;
}

// How many descriptors of this process carry an OFD lock (a descriptor's fdinfo lists the locks
// of its own open file description only). In a child of fork() every one is a lock of a parent's
// participant, which the child would keep alive after the parent died. Only open/read/close:
// it runs in a child forked while other threads ran.
int descriptorsWithLocks()
{
    int found = 0;
    for (int fd = 0; fd < 1024; ++fd) {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
        const int info = ::open(path, O_RDONLY | O_CLOEXEC);
        if (info < 0)
            continue;
        char text[4096];
        const ssize_t n = ::read(info, text, sizeof text - 1);
        ::close(info);
        if (n > 0) {
            text[n] = '\0';
            found += std::strstr(text, "OFDLCK") != nullptr;
        }
    }
    return found;
}

} // namespace

TEST_CASE("A version loaded from memory reads back identically through every kind of read")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    Segment segment = openSegment(key);
    const std::string content = binaryContent(100'000);

    auto loaded = segment.load(Input::bytes(content, "generated"));
    REQUIRE(loaded.ok());
    CHECK(loaded->generation == 1);
    CHECK(loaded->length == content.size());
    CHECK(loaded->source == "generated");
    CHECK(loaded->loaderPid == ::getpid());

    std::string asString;
    REQUIRE(segment.read(asString).ok());
    CHECK(asString == content);

    std::vector<std::byte> asBytes;
    auto version = segment.read(asBytes);
    REQUIRE(version.ok());
    CHECK(version->checksum == loaded->checksum);
    CHECK(std::equal(asBytes.begin(), asBytes.end(), std::as_bytes(std::span(content)).begin(),
                     std::as_bytes(std::span(content)).end()));

    int calls = 0;
    REQUIRE(segment
                .read([&](const VersionInfo &v, std::span<const std::byte> bytes) {
                    ++calls;
                    CHECK(v.generation == 1);
                    CHECK(std::string(reinterpret_cast<const char *>(bytes.data()), bytes.size()) == content);
                })
                .ok());
    CHECK(calls == 1);

    CHECK(readThroughDescriptor(segment) == content);
}

TEST_CASE("A segment never loaded reads as generation 0 and no bytes")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    Segment segment = openSegment(key);
    std::string content = "stale";
    auto version = segment.read(content);
    REQUIRE(version.ok());
    CHECK(version->generation == 0);
    CHECK(content.empty());
}

TEST_CASE("Loading from a descriptor: a pipe to its end, named as given")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    Segment segment = openSegment(key);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string content = binaryContent(1000);
    REQUIRE(::write(fds[1], content.data(), content.size()) == ssize_t(content.size()));
    ::close(fds[1]);

    auto loaded = segment.load(Input::descriptor(fds[0], "the pipe"), {"producer", {}});
    ::close(fds[0]);
    REQUIRE(loaded.ok());
    CHECK(loaded->source == "producer");
    std::string back;
    REQUIRE(segment.read(back).ok());
    CHECK(back == content);
}

TEST_CASE("Loading from a descriptor: a regular file whole, whatever its offset, which stays put")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    Segment segment = openSegment(key);
    const int fd = ::memfd_create("api-test-input", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    const std::string content = binaryContent(5000);
    REQUIRE(::write(fd, content.data(), content.size()) == ssize_t(content.size()));
    REQUIRE(::lseek(fd, 100, SEEK_SET) == 100); // read from the start all the same

    auto loaded = segment.load(Input::descriptor(fd, "the file"));
    CHECK(::lseek(fd, 0, SEEK_CUR) == 100);
    ::close(fd);
    REQUIRE(loaded.ok());
    CHECK(loaded->length == content.size());
    CHECK(loaded->source == "the file");
    std::string back;
    REQUIRE(segment.read(back).ok());
    CHECK(back == content);
}

TEST_CASE("A descriptor that is not open is refused as unreadable, named as given")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    Segment segment = openSegment(key);
    const int fd = ::memfd_create("api-test-closed", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    ::close(fd);
    auto refused = segment.load(Input::descriptor(fd, "gone"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::InputUnreadable);
    CHECK(refused.error().message.rfind("gone: ", 0) == 0);
}

TEST_CASE("Too large is refused whole, named by the input's name, and the previous version stays")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key, 4096);
    Segment segment = openSegment(key);
    CHECK(segment.capacity() == 4096);
    REQUIRE(segment.load(Input::bytes(std::string_view("first"), "small")).ok());

    SECTION("from memory")
    {
        const std::string big(5000, 'x');
        auto refused = segment.load(Input::bytes(big, "big input"));
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::TooLarge);
        CHECK(refused.error().key == key);
        CHECK(refused.error().message.find("big input") != std::string::npos);
        CHECK(refused.error().message.find("/proc/self/fd") == std::string::npos);
    }
    SECTION("from a file")
    {
        const std::string path = g_tempDir.path + "/" + key + ".big";
        {
            std::FILE *file = std::fopen(path.c_str(), "w");
            REQUIRE(file);
            std::fputs(std::string(5000, 'y').c_str(), file);
            std::fclose(file);
        }
        auto refused = segment.load(Input::file(path));
        std::filesystem::remove(path);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::TooLarge);
        CHECK(refused.error().message.find(path) != std::string::npos);
    }
    std::string content;
    auto kept = segment.read(content);
    REQUIRE(kept.ok());
    CHECK(kept->generation == 1);
    CHECK(content == "first");
}

TEST_CASE("Errors carry the documented code, the key and the PID involved")
{
    SECTION("no holder: NoSegment")
    {
        const std::string key = uniqueKey();
        auto segment = Segment::open(key);
        REQUIRE_FALSE(segment.ok());
        CHECK(segment.error().code == ErrorCode::NoSegment);
        CHECK(segment.error().key == key);
        CHECK(static_cast<int>(segment.error().code) == 3);
        CHECK(segment.error().remedy == Remedy::StartHolder);
    }
    SECTION("an empty key: Usage")
    {
        auto segment = Segment::open("");
        REQUIRE_FALSE(segment.ok());
        CHECK(segment.error().code == ErrorCode::Usage);
        CHECK(segment.error().remedy == Remedy::GiveKey);
        CHECK_FALSE(Holder::start("").ok());
    }
    SECTION("a zero capacity: Usage")
    {
        auto holder = Holder::start(uniqueKey(), HolderOptions{0, false, 2s});
        REQUIRE_FALSE(holder.ok());
        CHECK(holder.error().code == ErrorCode::Usage);
    }
    SECTION("a second holder: KeyHeld, naming the live holder's PID")
    {
        const std::string key = uniqueKey();
        Holder holder = startHolder(key);
        auto second = Holder::start(key);
        REQUIRE_FALSE(second.ok());
        CHECK(second.error().code == ErrorCode::KeyHeld);
        CHECK(second.error().pid == ::getpid());
        CHECK(second.error().remedy == Remedy::StopHolderOrChooseAnotherKey);
    }
    SECTION("a missing input file: InputUnreadable")
    {
        const std::string key = uniqueKey();
        Holder holder = startHolder(key);
        Segment segment = openSegment(key);
        auto loaded = segment.load(Input::file(g_tempDir.path + "/no-such-file"));
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().code == ErrorCode::InputUnreadable);
    }
    SECTION("a sink that fails: its own error, nothing read")
    {
        const std::string key = uniqueKey();
        Holder holder = startHolder(key);
        Segment segment = openSegment(key);
        REQUIRE(segment.load(Input::bytes(std::string_view("content"))).ok());
        auto read = segment.readTo([](const VersionInfo &) -> Result<Sink> {
            return Error{ErrorCode::InputUnreadable, "the sink refused", {}, 42};
        });
        REQUIRE_FALSE(read.ok());
        CHECK(read.error().code == ErrorCode::InputUnreadable);
        CHECK(read.error().message == "the sink refused");
    }
}

TEST_CASE("Every error code has its own name")
{
    const ErrorCode codes[] = {ErrorCode::Failure,    ErrorCode::Usage,           ErrorCode::NoSegment,
                               ErrorCode::KeyHeld,    ErrorCode::InputUnreadable, ErrorCode::TooLarge,
                               ErrorCode::TimedOut,   ErrorCode::InvalidContent,  ErrorCode::Unsafe,
                               ErrorCode::Interrupted};
    std::vector<std::string> names;
    for (ErrorCode code : codes)
        names.emplace_back(errorCodeName(code));
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    CHECK(std::find(names.begin(), names.end(), "unknown") == names.end());
    CHECK(std::string(errorCodeName(ErrorCode::NoSegment)) == "no-segment");
}

TEST_CASE("Every remedy has its own name, and none names a flag")
{
    std::vector<std::string> names;
    for (int value = int(Remedy::None); value <= int(Remedy::RemoveLeftovers); ++value)
        names.emplace_back(remedyName(static_cast<Remedy>(value)));
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    CHECK(std::find(names.begin(), names.end(), "unknown") == names.end());
    CHECK(std::string(remedyName(Remedy::RaiseTimeout)) == "raise-timeout");
    CHECK(std::string(remedyName(static_cast<Remedy>(999))) == "unknown");
}

TEST_CASE("Waiting for a generation: wakes on a load, times out, and learns that the holder stopped")
{
    const std::string key = uniqueKey();
    std::optional<Holder> holder = startHolder(key);
    Segment segment = openSegment(key);

    SECTION("a load wakes the waiter")
    {
        std::thread loader([&] {
            Segment other = openSegment(key);
            CHECK(other.load(Input::bytes(std::string_view("news"))).ok());
        });
        auto reached = segment.waitForGenerationAbove(0, 60s);
        loader.join();
        REQUIRE(reached.ok());
        CHECK(*reached == 1);
    }
    SECTION("nothing published: TimedOut")
    {
        auto reached = segment.waitForGenerationAbove(0, 0.05s);
        REQUIRE_FALSE(reached.ok());
        CHECK(reached.error().code == ErrorCode::TimedOut);
        CHECK(reached.error().message.find("--timeout") == std::string::npos);
    }
    SECTION("already above: returns at once")
    {
        REQUIRE(segment.load(Input::bytes(std::string_view("one"))).ok());
        auto reached = segment.waitForGenerationAbove(0, 0s);
        REQUIRE(reached.ok());
        CHECK(*reached == 1);
    }
    SECTION("the holder stops: NoSegment")
    {
        holder.reset();
        auto reached = segment.waitForGenerationAbove(0, 60s);
        REQUIRE_FALSE(reached.ok());
        CHECK(reached.error().code == ErrorCode::NoSegment);
    }
}

TEST_CASE("serve() returns 0 at once when a callback calls stopServing(), and the Holder removes all when destroyed")
{
    const std::string key = uniqueKey();
    std::optional<Holder> holder = startHolder(key);
    {
        Segment segment = openSegment(key);
        REQUIRE(segment.load(Input::bytes(std::string_view("one"))).ok());
    }
    std::uint64_t seen = 0;
    // The version published before serve() is reported on its first look, before any wait; had
    // serve() gone on, it would wait for a signal that never comes.
    const int returned = holder->serve([&](const VersionInfo &version) {
        seen = version.generation;
        holder->stopServing();
    });
    CHECK(returned == 0);
    CHECK(seen == 1);
    CHECK(Segment::open(key, {0s}).ok()); // still held until destroyed
    holder.reset();
    auto gone = Segment::open(key, {0s});
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().code == ErrorCode::NoSegment);
}

TEST_CASE("describe and listSegments report the segment, its holder and its latest version")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key, 8192);
    CHECK(holder.key() == key);
    CHECK(holder.capacity() == 8192);
    CHECK_FALSE(holder.adopted());
    Segment segment = openSegment(key);
    auto loaded = segment.load(Input::bytes(std::string_view("described"), "src"));
    REQUIRE(loaded.ok());

    auto info = describe(key);
    REQUIRE(info.ok());
    CHECK(info->key == key);
    CHECK(info->capacity == 8192);
    CHECK(info->holderPid == ::getpid());
    CHECK(info->tempDir == g_tempDir.path);
    CHECK(info->nativeKey.rfind(g_tempDir.path + "/qipc_sharedmemory_", 0) == 0);
    CHECK(info->latest.generation == 1);
    CHECK(info->latest.length == 9);
    CHECK(info->latest.source == "src");
    CHECK(info->latest.checksum == loaded->checksum);

    auto listed = listSegments();
    REQUIRE(listed.ok());
    const auto ours =
        std::find_if(listed->begin(), listed->end(), [&](const SegmentSummary &s) { return s.shmid == info->shmid; });
    REQUIRE(ours != listed->end());
    CHECK(ours->key == key);
    CHECK(ours->keyComplete);
    CHECK(ours->tempDir == g_tempDir.path);
    CHECK(ours->underThisTempDir);
    CHECK(ours->nativeKey == info->nativeKey);
    CHECK(ours->capacity == 8192);
    CHECK(ours->generation == 1);
    CHECK(ours->length == 9);
    CHECK(ours->holderPid == ::getpid());
    CHECK(ours->holderAlive);
}

TEST_CASE("Raw Qt segments: bytes and a NUL in, bytes up to the NUL out")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key, 64, true);
    auto refused = Segment::open(key);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::InvalidContent);

    auto written = rawLoad(key, Input::bytes(std::string_view("hello, Qt")));
    REQUIRE(written.ok());
    CHECK(*written == 9);
    const int fd = ::memfd_create("api-test-raw", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    auto read = rawRead(key, fd);
    REQUIRE(read.ok());
    CHECK(*read == 9);
    char back[16] = {};
    CHECK(::pread(fd, back, sizeof back, 0) == 9);
    ::close(fd);
    CHECK(std::string(back) == "hello, Qt");

    auto tooLarge = rawLoad(key, Input::bytes(std::string(64, 'x'), "sixty-four"));
    REQUIRE_FALSE(tooLarge.ok());
    CHECK(tooLarge.error().code == ErrorCode::TooLarge);
    CHECK(tooLarge.error().message.find("sixty-four") != std::string::npos);
}

TEST_CASE("QByteArray in and out through <shmtools/qt.h>")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key);
    auto segment = openSegment(QString::fromStdString(key));
    REQUIRE(segment.ok());
    const QByteArray content("a\0b\0c", 5);
    auto loaded = load(*segment, content, {"qt", {}});
    REQUIRE(loaded.ok());
    CHECK(loaded->source == "qt");
    QByteArray back("stale");
    auto version = read(*segment, back);
    REQUIRE(version.ok());
    CHECK(back == content);
}

// Threads open and close Segments (and list segments) while
// another thread forks. A child that goes on without exec() (sleeps) must hold no descriptor that
// carries a participant's lock: otherwise a parent that dies stays "alive" for as long as the
// child runs. A child that execs must carry no descriptor of the library at all (O_CLOEXEC).
// Before: a fork() between a Segment's open() of its key file (with its lock) and its entry in
// the fork registry, or between leaving the registry and close(), left the lock in the child;
// and the /proc files the library read through std::ifstream (no O_CLOEXEC) went with an exec.
TEST_CASE("fork() while other threads open and close Segments: no child keeps a participant's lock")
{
    const std::string key = uniqueKey();
    Holder holder = startHolder(key, 4096);
    std::atomic<bool> stop{false};
    std::atomic<int> opened{0};
    std::vector<std::thread> openers;
    for (int i = 0; i < 3; ++i)
        openers.emplace_back([&] {
            while (!stop) {
                auto segment = Segment::open(key, {2s});
                if (segment && segment->currentGeneration())
                    ++opened;
            }
        });
    openers.emplace_back([&] { // reads /proc/sysvipc/shm
        while (!stop)
            [[maybe_unused]] auto listed = listSegments();
    });
    while (opened < 10)
        std::this_thread::yield();
    int leaked = 0, execLeaked = 0, forks = 0;
    for (; forks < 400; ++forks) {
        const bool exec = forks % 8 == 0;
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            if (exec) // what a descriptor without O_CLOEXEC would carry into the new program
                ::execl("/bin/sh", "sh", "-c",
                        "! for fd in /proc/$$/fd/*; do readlink \"$fd\"; done | grep -q -e qipc_ -e '^/proc/'",
                        static_cast<char *>(nullptr));
            ::_exit(descriptorsWithLocks() == 0 ? 0 : 1);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        if (WEXITSTATUS(status) != 0)
            ++(exec ? execLeaked : leaked);
    }
    stop = true;
    for (std::thread &opener : openers)
        opener.join();
    INFO(forks << " forks while " << opened.load() << " Segments were opened and closed");
    CHECK(leaked == 0);
    CHECK(execLeaked == 0);
}
