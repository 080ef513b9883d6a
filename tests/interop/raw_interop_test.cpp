// SPDX-License-Identifier: BSD-3-Clause
// --raw: interop with plain QSharedMemory programs like the seed example's two apps, in both
// directions, through qt_peer (a real Qt program creating, writing and reading a C string under
// lock()).

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>

using namespace shmtest;

TEST_CASE("shm-create --raw makes a segment a Qt program writes and shm-read --raw reads", "[raw]")
{
    const std::string key = uniqueKey("rawcreate");
    Holder holder(key, [] {
        HolderOptions options = HolderOptions::sized("10K");
        options.extraArgs = {"--raw"};
        return options;
    }());
    const ProcessResult written = run(Tool::QtPeer, {"write", key, "hello from Qt"});
    REQUIRE_EXIT(written, 0);
    const ProcessResult read = readContent(key, {"--raw"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "hello from Qt");

    SECTION("and shm-load --raw writes a C string that the Qt program reads")
    {
        const ProcessResult loaded = loadStdin(key, "from shm-load", {"--raw"});
        CHECK_EXIT(loaded, 0);
        const ProcessResult qtRead = run(Tool::QtPeer, {"read", key});
        CHECK_EXIT(qtRead, 0);
        CHECK(qtRead.out == "from shm-load");
    }
    SECTION("--raw --all shows every byte of the segment")
    {
        const ProcessResult all = readContent(key, {"--raw", "--all"});
        CHECK_EXIT(all, 0);
        CHECK(all.out.size() == 10240);
        CHECK(all.out.substr(0, 14) == std::string("hello from Qt\0", 14));
    }
    SECTION("content that does not fit with its NUL is refused and nothing is written")
    {
        const ProcessResult loaded = loadStdin(key, std::string(10240, 'x'), {"--raw"});
        CHECK_EXIT(loaded, 6);
        CHECK(readContent(key, {"--raw"}).out == "hello from Qt");
        CHECK_EXIT(loadStdin(key, std::string(10239, 'y'), {"--raw"}), 0); // exactly fits
        CHECK(readContent(key, {"--raw"}).out == std::string(10239, 'y'));
    }
    holder.stop();
    CHECK_FALSE(leftovers(key));
}

TEST_CASE("a segment created by a Qt program is read and written with --raw, refused without", "[raw]")
{
    const std::string key = uniqueKey("rawforeign");
    KeyGuard guard(key);
    Child peer(Tool::QtPeer, {"create", key, "4096", "seed text"});
    REQUIRE(peer.waitFor(1, "ready", 10));

    const ProcessResult raw = readContent(key, {"--raw"});
    CHECK_EXIT(raw, 0);
    CHECK(raw.out == "seed text");

    const ProcessResult plain = readContent(key);
    CHECK_EXIT(plain, 8);
    CHECK_THAT(plain.err, Catch::Matchers::ContainsSubstring("not made by shm-tools") &&
                              Catch::Matchers::ContainsSubstring("--raw"));
    CHECK_EXIT(loadStdin(key, "intruder"), 8);
    CHECK(run(Tool::QtPeer, {"read", key}).out == "seed text"); // untouched

    CHECK_EXIT(loadStdin(key, std::string("bin\0ary", 7), {"--raw"}), 0);
    CHECK(run(Tool::QtPeer, {"read", key}).out == "bin"); // a C string stops at the NUL

    peer.signal(SIGTERM);
    CHECK_EXIT(peer.wait(10), 0);
}

TEST_CASE("shm-load --raw is refused on a shm-tools segment (its header would be lost)", "[raw]")
{
    const std::string key = uniqueKey("rawours");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    const ProcessResult raw = loadStdin(key, "clobber", {"--raw"});
    CHECK_EXIT(raw, 8);
    CHECK(readContent(key).out == "kept");
}
