// SPDX-License-Identifier: BSD-3-Clause
// Each remedy the core can give is worded by the tool at hand: the flag that tool has, or
// shm-create's for what only a holder can change.

#include "remedy_text.h"
#include "shell_quote.h"
#include "write_failure.h"

#include <cerrno>
#include <cstdlib>
#include <shmtools/segment.h>

#include "support/catch_compat.h"

using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::Remedy;

namespace {

std::string rendered(const std::string &tool, Remedy remedy, pid_t pid = 0)
{
    return remedyText(tool, Error{ErrorCode::Failure, "facts", "my key", pid, remedy}, "/scratch/tmp");
}

} // namespace

TEST_CASE("remedies render as one line naming the flag of the tool at hand", "[remedy]")
{
    using Catch::Matchers::ContainsSubstring;
    const auto [tool, remedy, pid, expected] = GENERATE(table<std::string, Remedy, pid_t, std::string>({
        {"shm-read", Remedy::StartHolder, 0, "start one with 'shm-create -k \"my key\"'"},
        {"shm-read", Remedy::StartHolder, 0, "same TMPDIR, here /scratch/tmp"},
        {"shm-load", Remedy::AdoptOrphan, 0, "run 'shm-create -k \"my key\"' to adopt"},
        {"shm-read", Remedy::RestartHolder, 456,
         "stop its holder ('shm-create --remove -k \"my key\"') and start a new one with 'shm-create -k \"my key\"'"},
        {"shm-load", Remedy::RestartHolder, 456, ", then load again"},
        {"shm-read", Remedy::RestartHolder, 0, "stop its holder ('shm-create --remove -k \"my key\"') and start"},
        {"shm-read", Remedy::UseMatchingVersion, 0, "use that version's tools with it, or stop its holder"},
        {"shm-create", Remedy::StopHolderOrChooseAnotherKey, 456, "stop it first, or choose another key with -k"},
        {"shm-load", Remedy::GiveKey, 0, "-k KEY or $SHM_KEY"},
        {"shm-read", Remedy::UseRaw, 0, "use --raw"},
        {"shm-load", Remedy::UseWithoutRaw, 0, "load it without --raw"},
        {"shm-read", Remedy::UseWithoutRaw, 0, "read it without --raw"},
        {"shm-read", Remedy::RaiseTimeout, 0, "retry, or raise -t/--timeout"},
        {"shm-load", Remedy::RaiseTimeoutOrStopLockHolder, 456, "raise -t/--timeout, or stop the process holding it"},
        {"shm-load", Remedy::LargerCapacity, 0, "start shm-create with a larger -s"},
        {"shm-create", Remedy::SmallerCapacity, 0, "use a smaller -s"},
        {"shm-load", Remedy::SmallerCapacity, 0, "start shm-create with a smaller -s"},
        {"shm-create", Remedy::ContinueStoppedProcess, 456, "'kill -CONT 456' lets it go on"},
        {"shm-create", Remedy::RemoveAgain, 0, "run 'shm-create --remove -k \"my key\"' again"},
        {"shm-read", Remedy::JoinHolderIpcNamespace, 456, "run shm-read in the holder's IPC namespace"},
        {"shm-create", Remedy::RemoveLeftovers, 0, "once that is possible, 'shm-create --remove -k \"my key\"' removes them"},
    }));
    INFO(tool << " " << shmtools::remedyName(remedy));
    const std::string text = rendered(tool, remedy, pid);
    CHECK_THAT(text, ContainsSubstring(expected));
}

// A suggested command is one the shell takes as it is: keys quoted where
// they need it, and none at all for the default key.
TEST_CASE("suggested commands quote the key for the shell, and leave out the default key", "[remedy]")
{
    const auto [word, quoted] = GENERATE(table<std::string, std::string>({
        {"demo-2", "demo-2"},                      // nothing the shell would change
        {"a b", "\"a b\""},                        // a space: in double quotes
        {"a'b", "\"a'b\""},                        // a single quote: in double quotes
        {"a'$b", "'a'\\''$b'"},                   // both kinds: single quotes, ' as '\''
        {"x\"y", "'x\"y'"},                        // a double quote: in single quotes
        {"~home", "\"~home\""},                    // a tilde would be expanded
        {"", "\"\""},                               // never an empty word
    }));
    CAPTURE(word);
    CHECK(shellQuote(word) == quoted);
    const char *saved = std::getenv("SHM_KEY");
    const std::string savedKey = saved ? saved : "";
    ::unsetenv("SHM_KEY");
    CHECK(withKey("shm-create", shmtools::kDefaultKey) == "shm-create");
    CHECK(withKey("shm-create --remove", "a b") == "shm-create --remove -k \"a b\"");
    ::setenv("SHM_KEY", "other", 1); // then the default key needs -k
    CHECK(withKey("shm-create", shmtools::kDefaultKey) == "shm-create -k fileloader_shm_key");
    ::unsetenv("SHM_KEY");
    CHECK(rendered("shm-read", Remedy::StartHolder).find("'shm-create -k \"my key\"'") != std::string::npos);
    if (saved)
        ::setenv("SHM_KEY", savedKey.c_str(), 1);
}

TEST_CASE("every remedy has words in every tool, and none has any for nothing to do", "[remedy]")
{
    const std::string tool = GENERATE("shm-create", "shm-load", "shm-read");
    for (int value = static_cast<int>(Remedy::StartHolder); value <= static_cast<int>(Remedy::RemoveLeftovers);
         ++value) {
        const auto remedy = static_cast<Remedy>(value);
        INFO(tool << " " << shmtools::remedyName(remedy));
        const std::string text = rendered(tool, remedy);
        CHECK_FALSE(text.empty());
        CHECK(text.find('\n') == std::string::npos);
        CHECK(std::string(shmtools::remedyName(remedy)) != "unknown");
    }
    CHECK(rendered(tool, Remedy::None).empty());
    CHECK(rendered(tool, static_cast<Remedy>(999)).empty());
}

TEST_CASE("a failed write is worded for where it went: a file, standard output, a command", "[remedy][output]")
{
    using Catch::Matchers::ContainsSubstring;
    const std::string file = writeFailureText(OutputTarget::file("/data/copy.tar"), ENOSPC);
    CHECK_THAT(file, ContainsSubstring("writing /data/copy.tar: ") && ContainsSubstring("its file system is full") &&
                         ContainsSubstring("choose a file in another directory") &&
                         !ContainsSubstring("standard output"));
    const std::string out = writeFailureText(OutputTarget::standardOutput(), ENOSPC);
    CHECK_THAT(out, ContainsSubstring("writing standard output: ") &&
                        ContainsSubstring("redirect standard output to another file system"));
    const std::string gone = writeFailureText(OutputTarget::standardOutput(), EPIPE);
    CHECK_THAT(gone, ContainsSubstring("the reader of the pipe went away") &&
                         ContainsSubstring("a consumer that reads everything"));
    const std::string command = writeFailureText(OutputTarget::command("wc -c"), EPIPE);
    CHECK_THAT(command, ContainsSubstring("writing the stdin of --exec 'wc -c': ") &&
                            ContainsSubstring("the command stopped reading its stdin") &&
                            !ContainsSubstring("reader of the pipe"));
    // None of them is shm-read's advice: that is added where a read failed.
    for (const std::string &text : {file, out, gone, command})
        CHECK_THAT(text, !ContainsSubstring("read again") && !ContainsSubstring("segment"));
    CHECK_THAT(writeFailureText(OutputTarget::standardOutput(), 0), ContainsSubstring("the system gave no reason"));
}
