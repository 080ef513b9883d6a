// SPDX-License-Identifier: BSD-3-Clause
// shm-load then shm-read gives back exactly the bytes loaded: any size from 0 to the capacity,
// NULs included, from a file, a pipe or a redirected file.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

using namespace shmtest;

namespace {

enum class Via { File, StdinPipe, StdinRedirect };

const char *viaName(Via via)
{
    switch (via) {
    case Via::File: return "file argument";
    case Via::StdinPipe: return "- with a pipe on stdin";
    case Via::StdinRedirect: return "- with a file redirected to stdin";
    }
    return "?";
}

/// Loads DATA into KEY the way VIA says.
ProcessResult loadVia(Via via, const std::string &key, const std::string &data, const ScratchDir &scratch)
{
    switch (via) {
    case Via::File: return loadFile(key, scratch.write("input.bin", data));
    case Via::StdinPipe: return loadStdin(key, data);
    case Via::StdinRedirect: {
        RunOptions options;
        options.stdinFile = scratch.write("input.bin", data);
        return run(Tool::Load, {"-k", key, "-"}, options);
    }
    }
    throw std::logic_error("unknown Via");
}

} // namespace

TEST_CASE("binary data with NULs survives shm-load and shm-read byte for byte", "[roundtrip]")
{
    // Sizes around the page size and past 64 KiB (a pipe's buffer), plus the empty load.
    const size_t size = GENERATE(as<size_t>{}, 0, 1, 4095, 4096, 65537);
    const Via via = GENERATE(Via::File, Via::StdinPipe, Via::StdinRedirect);
    CAPTURE(size, viaName(via));

    const std::string key = uniqueKey("roundtrip");
    ScratchDir scratch;
    const std::string data = randomBytes(size);
    Holder holder(key, HolderOptions::sized("128K"));

    const ProcessResult load = loadVia(via, key, data, scratch);
    CHECK_EXIT(load, 0);
    CHECK(load.out.empty()); // stdout carries data only; a loader has none

    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out.size() == data.size());
    CHECK(read.out == data);
    CHECK(read.err.empty()); // no status line from a successful read

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("content of exactly the capacity fits", "[roundtrip]")
{
    const Via via = GENERATE(Via::File, Via::StdinPipe, Via::StdinRedirect);
    CAPTURE(viaName(via));

    const std::string key = uniqueKey("capacity");
    ScratchDir scratch;
    const std::string data = randomBytes(65536);
    Holder holder(key, HolderOptions::sized("64K"));

    const ProcessResult load = loadVia(via, key, data, scratch);
    CHECK_EXIT(load, 0);
    CHECK(load.out.empty());

    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out == data);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("each load replaces the whole previous content", "[roundtrip]")
{
    const std::string key = uniqueKey("replace");
    Holder holder(key, HolderOptions::sized("64K"));

    // A longer load, then a shorter one: no tail of the first may show through.
    const std::string first = randomBytes(50000);
    const std::string second = randomBytes(1000);
    CHECK_EXIT(loadStdin(key, first), 0);
    CHECK(readContent(key).out == first);
    CHECK_EXIT(loadStdin(key, second), 0);
    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out == second);

    // And the empty load empties it.
    CHECK_EXIT(loadStdin(key, ""), 0);
    const ProcessResult empty = readContent(key);
    CHECK_EXIT(empty, 0);
    CHECK(empty.out.empty());

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("shm-load reports one status line on stderr, none with -q, nothing on stdout", "[roundtrip][messages]")
{
    const std::string key = uniqueKey("status");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string path = scratch.write("notes.txt", randomBytes(5000));

    const ProcessResult loud = loadFile(key, path);
    CHECK_EXIT(loud, 0);
    CHECK(loud.out.empty());
    CHECK(isOneLine(loud.err));
    // shm-load: KEY: loaded NAME, SIZE, generation N; NAME is the file as given.
    const std::string prefix = "shm-load: " + key + ": loaded " + path + ", ";
    CHECK(loud.err.rfind(prefix, 0) == 0);
    CHECK(loud.err.size() > prefix.size());
    CHECK(loud.err.find(", generation 1\n") != std::string::npos);

    const ProcessResult quiet = loadFile(key, path, {"-q"});
    CHECK_EXIT(quiet, 0);
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());

    const ProcessResult named = loadStdin(key, "abc", {"--source", "my-name"});
    CHECK_EXIT(named, 0);
    CHECK(named.out.empty());
    // The status line names the input; --source only renames what is recorded (see info_test).
    CHECK(named.err.rfind("shm-load: " + key + ": loaded ", 0) == 0);
    CHECK(named.err.find(", generation 3\n") != std::string::npos);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
