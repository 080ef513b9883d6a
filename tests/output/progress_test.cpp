// SPDX-License-Identifier: BSD-3-Clause
// Progress bars appear on a terminal only: automatically for transfers over half a second,
// always with --progress, never with --no-progress, and never when stderr is not a terminal.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

using namespace shmtest;

namespace {

std::string shellQuote(const std::string &text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// Runs COMMAND (a shell command line) with a pseudo-terminal as its stdin/stdout/stderr, via
// util-linux script(1); returns what appeared on the terminal.
ProcessResult onTerminal(const std::string &command)
{
    RunOptions options;
    options.timeoutSeconds = 60;
    return run({"/usr/bin/script", "-qefc", command, "/dev/null"}, options);
}

std::string bin(Tool tool)
{
    return shellQuote(binary(tool));
}

} // namespace

TEST_CASE("on a terminal, a slow transfer shows a progress bar with rate and ETA", "[progress]")
{
    const std::string key = uniqueKey("progressauto");
    Holder holder(key, HolderOptions::sized("4M"));
    // Two seconds of trickling input: long enough for the bar to appear by itself.
    const std::string slow = "(for i in 1 2 3 4 5 6 7 8; do head -c 65536 /dev/urandom; sleep 0.25; done) | ";
    const ProcessResult shown = onTerminal(slow + bin(Tool::Load) + " -k " + key + " -");
    CHECK_EXIT(shown, 0);
    CHECK_THAT(shown.out, Catch::Matchers::ContainsSubstring("shm-load: ") &&
                              Catch::Matchers::ContainsSubstring("/s") &&
                              Catch::Matchers::ContainsSubstring("elapsed"));

    const ProcessResult hidden = onTerminal(slow + bin(Tool::Load) + " --no-progress -k " + key + " -");
    CHECK_EXIT(hidden, 0);
    CHECK_THAT(hidden.out, !Catch::Matchers::ContainsSubstring("/s"));
    CHECK_THAT(hidden.out, Catch::Matchers::ContainsSubstring("loaded stdin"));
}

TEST_CASE("on a terminal, --progress shows at least the final state of a short transfer", "[progress]")
{
    const std::string key = uniqueKey("progressforced");
    Holder holder(key);
    ScratchDir dir;
    const std::string file = dir.write("small.bin", randomBytes(10000));
    const ProcessResult loaded = onTerminal(bin(Tool::Load) + " --progress -k " + key + " " + shellQuote(file));
    CHECK_EXIT(loaded, 0);
    CHECK_THAT(loaded.out, Catch::Matchers::ContainsSubstring("100%") && Catch::Matchers::ContainsSubstring("elapsed"));

    const ProcessResult quiet = onTerminal(bin(Tool::Load) + " -k " + key + " " + shellQuote(file));
    CHECK_EXIT(quiet, 0);
    CHECK_THAT(quiet.out, !Catch::Matchers::ContainsSubstring("100%"));

    const ProcessResult read =
        onTerminal(bin(Tool::Read) + " --progress -k " + key + " > " + shellQuote(dir.path() + "/out"));
    CHECK_EXIT(read, 0);
    CHECK_THAT(read.out,
               Catch::Matchers::ContainsSubstring("shm-read: [") && Catch::Matchers::ContainsSubstring("100%"));
    CHECK(readFile(dir.path() + "/out") == readFile(file));
}

TEST_CASE("without a terminal there is never a progress bar, even when forced", "[progress]")
{
    const std::string key = uniqueKey("progresspipe");
    Holder holder(key, HolderOptions::sized("4M"));
    RunOptions slow;
    const ProcessResult loaded = run({"/bin/sh", "-c",
                                      "(for i in 1 2 3 4 5 6; do head -c 65536 /dev/urandom; sleep 0.2; done) | " +
                                          binary(Tool::Load) + " --progress -k " + key + " -"},
                                     slow);
    CHECK_EXIT(loaded, 0);
    CHECK(isOneLine(loaded.err)); // just the status line
    CHECK_THAT(loaded.err, !Catch::Matchers::ContainsSubstring("\r"));
}

TEST_CASE("a progress bar or none: the last of the two flags given wins, as with every repeated option", "[progress]")
{
    const std::string key = uniqueKey("progresslast");
    Holder holder(key);
    ScratchDir dir;
    const std::string file = dir.write("small.bin", randomBytes(10000));
    const std::string out = shellQuote(dir.path() + "/out");

    const ProcessResult loadShown = onTerminal(bin(Tool::Load) + " --no-progress --progress -k " + key + " " + shellQuote(file));
    CHECK_EXIT(loadShown, 0);
    CHECK_THAT(loadShown.out, Catch::Matchers::ContainsSubstring("100%"));
    const ProcessResult loadHidden = onTerminal(bin(Tool::Load) + " --progress --no-progress -k " + key + " " + shellQuote(file));
    CHECK_EXIT(loadHidden, 0);
    CHECK_THAT(loadHidden.out, !Catch::Matchers::ContainsSubstring("100%") &&
                                   Catch::Matchers::ContainsSubstring("generation 2"));

    const ProcessResult readShown = onTerminal(bin(Tool::Read) + " --no-progress --progress -k " + key + " > " + out);
    CHECK_EXIT(readShown, 0);
    CHECK_THAT(readShown.out, Catch::Matchers::ContainsSubstring("100%"));
    const ProcessResult readHidden =
        onTerminal(bin(Tool::Read) + " --progress --no-progress --progress --no-progress -k " + key + " > " + out);
    CHECK_EXIT(readHidden, 0);
    CHECK(readHidden.out.empty());
    CHECK(readFile(dir.path() + "/out") == readFile(file));
}
