// SPDX-License-Identifier: BSD-3-Clause
// Bad input gets a clear error, and nothing is lost: a table of bad inputs across the three
// tools, each with its exit code and a fragment of its one-line message, checking after each
// one that the segment still serves the previous version; then foreign segments, damaged
// headers and a damaged payload, which must be refused (exit 8) without a crash, a stray byte
// on stdout, or a change to what is there.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtest;
namespace layout = shmtools::detail::layout;

namespace {

// Placeholders in the table, replaced per run.
const std::string kKey = "@KEY@";         // the live key, holding the previous version
const std::string kFresh = "@FRESH@";     // a key nobody holds; it must stay that way
const std::string kLongKey = "@LONGKEY@"; // 300 letters
const std::string kFile = "@FILE@";       // a small readable file
const std::string kMissing = "@MISSING@"; // a path that does not exist
const std::string kDir = "@DIR@";         // a directory
const std::string kBig = "@BIG@";         // a file one byte larger than the capacity
const std::string kHolderPid = "@PID@";   // (in fragments) the live holder's PID

constexpr std::size_t kCapacity = 64 * 1024;

struct BadInput {
    Tool tool;
    std::vector<std::string> args;
    std::size_t stdinBytes; ///< random bytes on stdin (0: /dev/null)
    int exit;
    /// Each must appear in the message; "a|b" means either; "!a" means a must not appear.
    std::vector<std::string> fragments;
    const char *why;
};

bool containsAny(const std::string &text, const std::string &alternatives)
{
    std::size_t from = 0;
    for (;;) {
        const std::size_t bar = alternatives.find('|', from);
        if (text.find(alternatives.substr(from, bar - from)) != std::string::npos)
            return true;
        if (bar == std::string::npos)
            return false;
        from = bar + 1;
    }
}

/// The live key still serves OLD as generation 1.
void checkPreviousVersion(const std::string &key, const std::string &old)
{
    const ProcessResult read = readContent(key, {"-t", "5"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == old);
    const QJsonObject info = readJson(key);
    CHECK(info.value("generation").toInteger(-1) == 1);
    CHECK(info.value("length").toInteger(-1) == static_cast<qint64>(old.size()));
}

/// A refusal: the exit code, nothing on stdout, one line on stderr from the right tool.
void checkRefusal(const ProcessResult &result, Tool tool, int exit, const std::vector<std::string> &fragments)
{
    INFO(describe(result));
    CHECK(result.exited(exit));
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind(std::string(toolName(tool)) + ": ", 0) == 0);
    for (const std::string &fragment : fragments) {
        CAPTURE(fragment);
        if (fragment.rfind('!', 0) == 0)
            CHECK(result.err.find(fragment.substr(1)) == std::string::npos);
        else
            CHECK(containsAny(result.err, fragment));
    }
}

} // namespace

TEST_CASE("bad inputs to the three tools are refused clearly and lose nothing", "[errors]")
{
    const std::string key = uniqueKey("badinput");
    const KeyGuard fresh(uniqueKey("badfresh"));
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string old = randomBytes(5000);
    REQUIRE_EXIT(loadStdin(key, old), 0);

    using Args = std::vector<std::string>;
    const std::vector<BadInput> table{
        // shm-load: inputs it cannot read or that do not fit
        {Tool::Load, {"-k", kKey, kMissing}, 0, 5, {"No such file or directory", kMissing}, "missing file"},
        {Tool::Load, {"-k", kKey, kDir}, 0, 5, {"Is a directory"}, "a directory"},
        {Tool::Load, {"-k", kKey, "/dev/zero"}, 0, 6, {"does not fit", "/dev/zero"}, "endless input"},
        {Tool::Load, {"-k", kKey, kBig}, 0, 6, {"does not fit"}, "a file one byte too large"},
        {Tool::Load, {"-k", kKey, "-"}, kCapacity + 1, 6, {"does not fit", "stdin"}, "a pipe one byte too large"},
        {Tool::Load, {"-k", kKey, "-"}, 4 * kCapacity, 6, {"does not fit"}, "a pipe far too large"},
        {Tool::Load, {"-k", kKey, "--raw", kFile}, 0, 8, {"shm-tools segment"}, "--raw would destroy the header"},
        // shm-load: usage
        {Tool::Load, {"-k", "", kFile}, 0, 2, {"empty"}, "empty key"},
        {Tool::Load, {"-k", kLongKey, kFile}, 0, 2, {"key too long"}, "a 300-letter key"},
        {Tool::Load, {"-k", kKey, "-t", "-1", kFile}, 0, 2, {"--timeout"}, "negative timeout"},
        {Tool::Load, {"-k", kKey, "-t", "abc", kFile}, 0, 2, {"--timeout"}, "timeout is not a number"},
        // (the too-large file: should NaN be taken, the load still changes nothing)
        {Tool::Load, {"-k", kKey, "-t", "nan", kBig}, 0, 2, {"--timeout"}, "timeout NaN"},
        {Tool::Load, {"-k", kKey, "--bogus", kFile}, 0, 2, {"--bogus"}, "unknown option"},
        {Tool::Load, {"-k", kKey}, 0, 2, {"FILE"}, "no FILE"},
        {Tool::Load, {"-k", kKey, "--source=", kFile}, 0, 2, {"--source needs a value"}, "an empty value"},
        {Tool::Load, {"-k", kFresh, kFile}, 0, 3, {"no such segment"}, "nobody holds the key"},
        // shm-read: usage
        {Tool::Read, {"-k", ""}, 0, 2, {"empty"}, "empty key"},
        {Tool::Read, {"-k", kLongKey}, 0, 2, {"key too long"}, "a 300-letter key"},
        {Tool::Read, {"-k", kKey, "-t", "-1"}, 0, 2, {"--timeout"}, "negative timeout"},
        {Tool::Read, {"-k", kKey, "-t", "abc"}, 0, 2, {"--timeout"}, "timeout is not a number"},
        {Tool::Read, {"-k", kKey, "-t", "nan"}, 0, 2, {"--timeout"}, "timeout NaN"},
        {Tool::Read, {"-k", kKey, "--bogus"}, 0, 2, {"--bogus"}, "unknown option"},
        {Tool::Read, {"-k", kKey, "--info", "--json"}, 0, 2, {"--json|--info"}, "two output formats"},
        {Tool::Read, {"-k", kKey, "--since", "abc"}, 0, 2, {"--since"}, "generation is not a number"},
        // (-t: should --since take these, it would otherwise wait for ever)
        {Tool::Read, {"-k", kKey, "-t", "2", "--since", "-1"}, 0, 2, {"--since"}, "negative generation"},
        {Tool::Read,
         {"-k", kKey, "-t", "2", "--since", "18446744073709551616"},
         0,
         2,
         {"--since"},
         "generation beyond 64 bits"},
        {Tool::Read, {"-k", kKey, "--wait", "--since", "1"}, 0, 2, {"--since|--wait"}, "two ways of waiting"},
        {Tool::Read, {"-k", kKey, "--all"}, 0, 2, {"--raw"}, "--all needs --raw"},
        {Tool::Read, {"-k", kKey, "--exec", "cat"}, 0, 2, {"--follow"}, "--exec needs --follow"},
        {Tool::Read, {"-k", kKey, "stray"}, 0, 2, {"stray"}, "shm-read takes no positional argument"},
        {Tool::Read, {"-k", kFresh}, 0, 3, {"no such segment", "shm-create -k"}, "nobody holds the key"},
        // shm-create: sizes and usage, on a fresh key (which must stay unused)
        {Tool::Create, {"-k", kFresh, "-s", "0"}, 0, 2, {"size"}, "zero capacity"},
        {Tool::Create, {"-k", kFresh, "-s", "-1"}, 0, 2, {"size"}, "negative capacity"},
        {Tool::Create, {"-k", kFresh, "-s", "abc"}, 0, 2, {"size"}, "capacity is not a number"},
        {Tool::Create, {"-k", kFresh, "-s", "1.5Q"}, 0, 2, {"size"}, "unknown unit"},
        {Tool::Create,
         {"-k", kFresh, "-s", "8E"},
         0,
         2,
         {"kernel", "8.0 EiB", "!-8.0 EiB", "use a smaller -s"},
         "beyond any segment"},
        {Tool::Create, {"-k", kFresh, "-s", "100T"}, 0, 2, {"kernel.shmmax|memory"}, "more than the machine has"},
        {Tool::Create, {"-k", kFresh, "-d", "--watch"}, 0, 2, {"--watch|--detach"}, "a detached holder cannot watch"},
        {Tool::Create, {"-k", kFresh, "-t", "-1"}, 0, 2, {"--timeout"}, "negative timeout"},
        {Tool::Create, {"-k", ""}, 0, 2, {"empty"}, "empty key"},
        {Tool::Create, {"-k", kLongKey}, 0, 2, {"key too long"}, "a 300-letter key"},
        {Tool::Create, {"-k", kFresh, "--bogus"}, 0, 2, {"--bogus"}, "unknown option"},
        // shm-create on the live key: the holder is alive
        {Tool::Create, {"-k", kKey, "-s", "64K"}, 0, 4, {"held by", kHolderPid}, "the key is held"},
        {Tool::Create,
         {"-k", kKey, "-s", "64K", "-d"},
         0,
         4,
         {"held by", kHolderPid, "another key with -k"},
         "the key is held (-d): the remedy crosses from the background child"},
    };
    REQUIRE(table.size() >= 25);

    const std::string longKey(300, 'k');
    const std::string file = scratch.write("small.txt", "small file");
    const std::string missing = scratch.path() + "/no-such-file.bin";
    const std::string big = scratch.write("big.bin", randomBytes(kCapacity + 1));
    const auto substitute = [&](const std::string &text) {
        if (text == kKey)
            return key;
        if (text == kFresh)
            return fresh.key();
        if (text == kLongKey)
            return longKey;
        if (text == kFile)
            return file;
        if (text == kMissing)
            return missing;
        if (text == kDir)
            return scratch.path();
        if (text == kBig)
            return big;
        if (text == kHolderPid)
            return std::to_string(holder.pid());
        return text;
    };

    for (const BadInput &row : table) {
        Args args;
        for (const std::string &arg : row.args)
            args.push_back(substitute(arg));
        std::vector<std::string> fragments;
        for (const std::string &fragment : row.fragments)
            fragments.push_back(substitute(fragment));
        CAPTURE(toolName(row.tool), args, row.why);
        RunOptions options;
        options.timeoutSeconds = 30;
        if (row.stdinBytes)
            options.stdinData = randomBytes(row.stdinBytes);
        const ProcessResult result = run(row.tool, args, options);
        checkRefusal(result, row.tool, row.exit, fragments);
        CHECK(result.seconds < 5); // promptly, even for endless input
        checkPreviousVersion(key, old);
        CHECK(processAlive(holder.pid()));
        INFO(leftoversReport(fresh.key()));
        CHECK(!leftovers(fresh.key()));
    }

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("an unreadable input is refused with exit 5, and the segment keeps its version", "[errors][security]")
{
    // root reads any file, so the unreadable file needs a user who cannot: nobody, with a
    // holder of its own in a TMPDIR both share.
    const std::string why = whyNobodyCannotRun();
    if (!why.empty())
        SKIP(why);
    SharedScratchDir shared;
    const std::string key = uniqueKey("unreadable");
    RunOptions options;
    options.env = {{"TMPDIR", shared.path()}};
    options.timeoutSeconds = 30;
    const pid_t holder = startDetachedHolder(asNobody({}), key, "64K", options);
    const IpcIds ipc = IpcIds::of(shared.keyFile(key), shared.keyFile(key, true));

    const std::string old = randomBytes(4000);
    const std::string readable = shared.write("readable.bin", old, 0644);
    const std::string unreadable = shared.write("unreadable.bin", "secret", 0000);
    CHECK_EXIT(run(asNobody({binary(Tool::Load), "-k", key, readable}), options), 0);

    const ProcessResult refused = run(asNobody({binary(Tool::Load), "-k", key, unreadable}), options);
    checkRefusal(refused, Tool::Load, 5, {unreadable + ": Permission denied"});
    const ProcessResult read = run(asNobody({binary(Tool::Read), "-k", key}), options);
    CHECK_EXIT(read, 0);
    CHECK(read.out == old);

    ::kill(holder, SIGTERM);
    CHECK(waitGone(holder, 20).gone);
    INFO(ipc.describe());
    CHECK(ipc.gone());
    CHECK(shared.qipcFiles().empty());
}

TEST_CASE("a segment made by another Qt program is refused with exit 8 and left untouched", "[errors]")
{
    // Smaller than a shm-tools header, exactly one page, and larger.
    const int size = GENERATE(1024, 4096, 65536);
    CAPTURE(size);
    const KeyGuard guard(uniqueKey("foreignqt"));
    const std::string &key = guard.key();
    const std::string text = "written by another Qt program";
    Child peer(Tool::QtPeer, {"create", key, std::to_string(size), text});
    REQUIRE(peer.waitFor(1, "ready", 20));
    const ProcessResult before = run(Tool::QtPeer, {"dump", key});
    REQUIRE_EXIT(before, 0);
    REQUIRE(before.out.size() == static_cast<std::size_t>(size));

    ScratchDir scratch;
    const std::string file = scratch.write("data.bin", randomBytes(100));
    const std::vector<std::pair<Tool, std::vector<std::string>>> calls{
        {Tool::Read, {}}, {Tool::Read, {"--json"}}, {Tool::Read, {"--info"}}, {Tool::Load, {file}}, {Tool::Load, {"-"}},
    };
    for (const auto &[tool, extra] : calls) {
        std::vector<std::string> args{"-k", key, "-t", "5"};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.stdinData = "must not be written";
        options.timeoutSeconds = 30;
        const ProcessResult result = run(tool, args, options);
        checkRefusal(result, tool, 8, {"not made by shm-tools", "--raw"});
    }
    const ProcessResult create = run(Tool::Create, {"-k", key, "-s", "4K"});
    checkRefusal(create, Tool::Create, 4, {"held by"});

    // Every byte as the Qt program left it.
    CHECK(run(Tool::QtPeer, {"read", key}).out == text);
    const ProcessResult after = run(Tool::QtPeer, {"dump", key});
    CHECK_EXIT(after, 0);
    CHECK(after.out == before.out);

    REQUIRE(peer.signal(SIGTERM));
    CHECK_EXIT(peer.wait(20), 0);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a damaged header is refused with exit 8, never a crash, and nothing else changes", "[errors][corrupt]")
{
    const std::string key = uniqueKey("corrupt");
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string old = randomBytes(5000);
    REQUIRE_EXIT(loadStdin(key, old), 0);
    LiveSegment segment(key);
    const layout::SegmentHeader good = segment.header();
    REQUIRE(good.activeSlot < layout::kSlotCount);

    using Damage = void (*)(layout::SegmentHeader &);
    struct Case {
        const char *what;
        Damage damage;
        const char *fragment;
    };
    const Case cases[] = {
        // Our holder runs (its mark on the key file says so): the header was overwritten.
        {"wrong magic", [](layout::SegmentHeader &h) { h.magic[7] = 'X'; }, "header was overwritten"},
        {"zeroed magic", [](layout::SegmentHeader &h) { std::memset(h.magic, 0, sizeof h.magic); },
         "header was overwritten"},
        {"format version 4 (none exists yet)", [](layout::SegmentHeader &h) { h.formatVersion = 4; }, "version"},
        {"format version 1 (an older shm-tools)", [](layout::SegmentHeader &h) { h.formatVersion = 1; },
         "another version of shm-tools"},
        {"format version 2 (shm-tools before participants had tokens)",
         [](layout::SegmentHeader &h) { h.formatVersion = 2; }, "another version of shm-tools"},
        {"format version 0", [](layout::SegmentHeader &h) { h.formatVersion = 0; }, "version"},
        {"header size", [](layout::SegmentHeader &h) { h.headerSize = 8192; }, "header size"},
        {"capacity beyond the segment",
         [](layout::SegmentHeader &h) {
             h.capacity = 1ull << 40;
             h.slotStride = layout::slotStrideFor(h.capacity);
         },
         "capacity"},
        {"capacity that overflows", [](layout::SegmentHeader &h) { h.capacity = ~0ull; }, "capacity"},
        {"zero capacity", [](layout::SegmentHeader &h) { h.capacity = 0; }, "capacity"},
        {"stride inconsistent with the capacity", [](layout::SegmentHeader &h) { h.slotStride = 4096; }, "capacity"},
        {"impossible length", [](layout::SegmentHeader &h) { h.slots[h.activeSlot].length = h.capacity + 1; },
         "length"},
        {"huge length", [](layout::SegmentHeader &h) { h.slots[h.activeSlot].length = ~0ull; }, "length"},
        {"length in the other slot", [](layout::SegmentHeader &h) { h.slots[1 - h.activeSlot].length = 1ull << 62; },
         "length"},
        {"active slot out of range", [](layout::SegmentHeader &h) { h.activeSlot = 2; }, "active slot"},
        {"active slot far out of range", [](layout::SegmentHeader &h) { h.activeSlot = 0x7fffffff; }, "active slot"},
        {"active slot not complete",
         [](layout::SegmentHeader &h) { h.slots[h.activeSlot].state = layout::SlotWriting; }, "not complete"},
        {"unknown slot state", [](layout::SegmentHeader &h) { h.slots[0].state = 3; }, "slot state"},
        {"reader pin on a slot that does not exist",
         [](layout::SegmentHeader &h) {
             h.pins[7].reader.token = std::uint64_t{1} << 40; // format 3: the token makes a pin
             h.pins[7].slot = 1000;
         },
         "pin"},
    };
    for (const Case &c : cases) {
        CAPTURE(c.what);
        layout::SegmentHeader bad = good;
        c.damage(bad);
        REQUIRE(layout::checkHeader(bad, segment.size()).check != layout::HeaderCheck::Valid);
        segment.setHeader(bad);

        for (const auto &extra : {std::vector<std::string>{}, {"--json"}, {"--info"}, {"--wait"}}) {
            std::vector<std::string> args{"-k", key, "-t", "3"};
            args.insert(args.end(), extra.begin(), extra.end());
            checkRefusal(run(Tool::Read, args), Tool::Read, 8, {c.fragment});
        }
        checkRefusal(loadStdin(key, "new content", {"-t", "3"}), Tool::Load, 8, {c.fragment});
        // Refusing never "repairs" or otherwise writes the header.
        const layout::SegmentHeader seen = segment.header();
        CHECK(std::memcmp(&seen, &bad, sizeof bad) == 0);

        segment.setHeader(good);
        checkPreviousVersion(key, old);
    }

    SECTION("a flipped payload byte is a checksum mismatch: exit 8, nothing on stdout")
    {
        for (const std::uint64_t at : {std::uint64_t{0}, std::uint64_t{2500}, std::uint64_t{old.size() - 1}}) {
            CAPTURE(at);
            unsigned char *byte = segment.slotData(good.activeSlot) + at;
            *byte ^= 0x40;
            const ProcessResult read = readContent(key, {"-t", "3"});
            checkRefusal(read, Tool::Read, 8, {"checksum mismatch", "load it again"});
            *byte ^= 0x40;
            checkPreviousVersion(key, old);
        }
        // A new load goes to the other slot and is readable; the damaged one is not reused as is.
        *segment.slotData(good.activeSlot) ^= 1;
        const std::string fresh = randomBytes(3000);
        CHECK_EXIT(loadStdin(key, fresh, {"-t", "3"}), 0);
        CHECK(readContent(key).out == fresh);
        *segment.slotData(good.activeSlot) ^= 1;
    }

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
