// shm-create: create a named segment and hold it until SIGINT, SIGTERM or SIGHUP.
#include "common_options.h"
#include "detach.h"
#include "info_format.h"
#include "last_resort.h"
#include "printable.h"
#include "report.h"
#include "report_channel.h"
#include "size_option.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <unistd.h>

using namespace shmtools;

namespace {

const char *const kTool = "shm-create";

std::string readyMessage(const Holder &holder, bool raw)
{
    std::string text = holder.key() + ": ";
    if (holder.adopted()) {
        const VersionInfo &kept = holder.keptVersion();
        text += "adopted the orphaned segment of a holder that died; kept " +
                (kept.generation ? "generation " + std::to_string(kept.generation) + " (" + sizeText(kept.length) +
                                       " from " + kept.source + ")"
                                 : std::string("its (empty) content")) +
                "; ";
    }
    return text + "ready, capacity " + sizeText(holder.capacity()) + (raw ? " (raw Qt segment)" : "");
}

void printVersion(const VersionInfo &version)
{
    writeReport(isoTime(version.loadedAtMs) + " generation " + std::to_string(version.generation) + ": " +
                sizeText(version.length) + " from " + printable(version.source) + " by PID " +
                std::to_string(version.loaderPid) + "\n");
}

void printNotice(const std::string &line)
{
    writeReport(std::string(kTool) + ": " + printable(line) + "\n");
}

int run(int argc, char **argv)
{
    CLI::App app{"Create a named shared-memory segment and hold it until stopped (SIGINT, SIGTERM, SIGHUP);\n"
                 "the segment, its semaphore and its key files are removed when it stops.",
                 kTool};
    CommonOptions common;
    std::string sizeText = "16M";
    bool detach = false, watch = false, raw = false;
    app.add_option("-s,--size", sizeText, "Content capacity: 4096, 64K, 16M, 1G (powers of 1024)")
        ->capture_default_str();
    auto *detachFlag = app.add_flag("-d,--detach", detach,
                                    "Return once ready, print the holder's PID on stdout, hold in the background");
    app.add_flag("--watch", watch, "Print one line per published version on stderr")->excludes(detachFlag);
    app.add_flag("--raw", raw, "A plain Qt segment of exactly SIZE bytes, no header (as the seed example)");
    setUpApp(app, common,
             "  shm-create -s 64M                 hold a 64 MiB segment until Ctrl-C\n"
             "  pid=$(shm-create -d -k demo)       start in the background; stop with: kill $pid\n"
             "  shm-create --raw -s 10K            a segment a Qt QSharedMemory program can use\n");
    if (auto code = parseArguments(app, common, argc, argv))
        return *code;

    auto capacity = parseSize(sizeText);
    if (!capacity) {
        reportUsage(kTool, "--size: " + capacity.error().message);
        return static_cast<int>(ErrorCode::Usage);
    }
    if (auto key = checkKey(common.key); !key)
        return reportError(kTool, key.error());
    const HolderOptions options{*capacity, raw, Seconds(common.timeout)};
    installInterruptHandlers();

    std::optional<Holder> holder;
    const auto startUp = [&]() -> Result<std::string> {
        auto started = Holder::start(common.key, options);
        if (!started)
            return started.error();
        holder.emplace(std::move(*started));
        return readyMessage(*holder, raw);
    };
    const auto stop = [&](int signal) {
        holder.reset();
        reportStatus(kTool, common.quiet,
                     common.key + ": stopped by " + std::string("SIG") + sigabbrev_np(signal) + "; segment removed");
    };

    if (detach) {
        auto background = runInBackground(
            startUp,
            [&] {
                stop(holder->serve({}, printNotice));
                return 0;
            },
            [&] { holder.reset(); });
        if (!background)
            return reportError(kTool, background.error());
        const std::string pid = std::to_string(background->pid());
        // A reader of our stdout that has gone must not end us with SIGPIPE before we stop the
        // holder nobody learnt the PID of: the write fails with EPIPE instead.
        std::signal(SIGPIPE, SIG_IGN);
        // The holder stays only once its PID is out; killed before that, we leave none behind
        // (the child removes everything when the hand-over pipe closes without a word).
        auto printed = writeStdout(pid + "\n");
        if (printed && !interruptSignal())
            printed = background->handOver();
        // A holder whose PID nobody got, or that was meant to stop, must not run on.
        if (!printed || interruptSignal()) {
            stopBackground(background->pid());
            if (!printed)
                return reportError(kTool, Error{printed.error().code,
                                                printed.error().message + "; stopped the holder (PID " + pid + ")"});
            return reportError(kTool, Error{ErrorCode::Interrupted,
                                            common.key + ": interrupted; stopped the holder (PID " + pid + ")"});
        }
        reportStatus(kTool, common.quiet,
                     background->readyMessage() + " (holder PID " + pid + ", in the background); stop it with 'kill " +
                         pid + "'");
        return 0;
    }
    auto ready = startUp();
    if (!ready)
        return reportError(kTool, ready.error());
    // From here on a stderr nobody reads must not stop the holder's work, from the ready line on.
    reportsNeverWait(kTool);
    reportStatus(kTool, common.quiet, *ready + " (holder PID " + std::to_string(::getpid()) + "); Ctrl-C to remove it");
    stop(holder->serve(watch ? printVersion : std::function<void(const VersionInfo &)>(), printNotice));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
