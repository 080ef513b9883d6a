// SPDX-License-Identifier: BSD-3-Clause
// shm-create: create a named segment and hold it until SIGINT, SIGTERM or SIGHUP; or remove
// segments (--remove). Parses into one mode, then dispatches.
#include "child_process.h"
#include "common_options.h"
#include "create_hold.h"
#include "create_remove.h"
#include "create_request.h"
#include "last_resort.h"
#include "report.h"
#include "size_option.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <optional>
#include <string>
#include <vector>

using namespace shmtools;

namespace {

using Mode = CreateRequest::Mode;

std::optional<int> parse(int argc, char **argv, CreateRequest &request)
{
    CLI::App app{"Create a named shared-memory segment and hold it until stopped (SIGINT, SIGTERM, SIGHUP); the "
                 "segment, its semaphore and its key files are removed when it stops. With --remove: remove "
                 "segments whole.",
                 kCreateTool};
    std::string size = "16M";
    bool detach = false, remove = false;
    app.add_option("-s,--size", size,
                   std::string("The largest content the segment takes (default 16M): ") + acceptedSizeForms() +
                       ". The segment takes "
                   "about twice SIZE: two slots, so that a load never overwrites what a reader reads")
        ->option_text("SIZE")
        ->group(group::kContent);
    app.add_flag("--raw", request.raw,
                 "A plain Qt segment of exactly SIZE bytes with no header, for QSharedMemory programs")
        ->group(group::kContent);
    app.add_flag("-d,--detach", detach,
                 "Return once ready, print the holder's PID on stdout, and hold in the background")
        ->group(group::kHolding);
    app.add_flag("--watch", request.watch, "Print one line per published version on stderr")
        ->group(group::kHolding);
    app.add_flag("--json", request.json, "With --watch: one JSON object per event on stdout (JSON Lines)")
        ->group(group::kHolding);
    app.add_flag("--remove", remove,
                 "Remove the segment of -k KEY (or of each KEY given) whole: its holder is asked to stop "
                 "(SIGTERM) and waited for up to -t seconds; an orphan is removed with its semaphore and key files")
        ->group(group::kRemoving);
    app.add_option("KEY", request.removeKeys, "With --remove: keys whose segments to remove")->group(group::kRemoving);
    using K = OptionRule::Kind;
    const std::vector<OptionRule> rules{
        {K::Excludes, "--watch", "--detach", "a detached holder has no terminal to print on"},
        {K::Needs, "--json", "--watch", ""},
        {K::Excludes, "--remove", "--size", ""},
        {K::Excludes, "--remove", "--detach", ""},
        {K::Excludes, "--remove", "--watch", ""},
        {K::Excludes, "--remove", "--raw", ""},
        {K::Needs, "KEY", "--remove", "to hold a key, give it with -k KEY"},
    };
    setUpApp(app, request.common,
             {"for the segment lock when starting (creating the segment or adopting an orphan), and with "
              "--remove for each holder to stop (" +
                  timeoutDefaultText() + ")",
              "try the lock once; with --remove, signal each holder without waiting for it", ""},
             "  shm-create -s 64M                  hold a 64 MiB segment until Ctrl-C\n"
             "  shm-create -d -k demo              start in the background (prints its PID)\n"
             "  shm-create --remove -k demo        stop demo's holder, or remove its orphan\n"
             "  shm-create --raw -s 10K            a segment a Qt QSharedMemory program can use\n");
    if (auto code = parseArguments(app, request.common, argc, argv, rules))
        return code;
    auto capacity = parseSize(size);
    if (!capacity) {
        reportUsage(kCreateTool, "--size: " + capacity.error().message);
        return static_cast<int>(ErrorCode::Usage);
    }
    request.capacity = *capacity;
    request.sizeGiven = app.count("--size") > 0;
    // With KEY arguments, a typed -k is removed too, the one of $SHM_KEY is not.
    if (remove && (request.removeKeys.empty() || request.common.keyTyped))
        request.removeKeys.insert(request.removeKeys.begin(), request.common.key);
    request.mode = remove ? Mode::Remove : detach ? Mode::Detach : Mode::Hold;
    if (!remove) // --remove names each key in its own lines
        setReportKey(request.common.key);
    return std::nullopt;
}

int run(int argc, char **argv)
{
    CreateRequest request;
    if (auto code = parse(argc, argv, request))
        return *code;
    return request.mode == Mode::Remove ? removeSegments(request) : hold(request);
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    noteInheritedSignals();
    // Before anything that a signal could interrupt: a SIGHUP in the first milliseconds of
    // shm-create -d must end it with 130 and a message, its half-started holder stopped.
    installInterruptHandlers();
    return closeStdout(kCreateTool, runReportingExceptions(kCreateTool, [&] { return run(argc, argv); }));
}
