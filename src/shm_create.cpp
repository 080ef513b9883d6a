// SPDX-License-Identifier: BSD-3-Clause
// shm-create: create a named segment and hold it until SIGINT, SIGTERM or SIGHUP; or remove
// segments (--remove). Parses into one mode, then dispatches.
#include "child_process.h"
#include "common_options.h"
#include "detach.h"
#include "info_format.h"
#include "last_resort.h"
#include "printable.h"
#include "remedy_text.h"
#include "report.h"
#include "report_channel.h"
#include "shell_quote.h"
#include "size_option.h"
#include "standard_streams.h"
#include "write_failure.h"
#include "base/size_text.h"

#include <shmtools/shmtools.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <unistd.h>

using namespace shmtools;
using shmtools::detail::formatSize;

namespace {

const char *const kTool = "shm-create";

enum class Mode { Hold, Detach, Remove };

struct Request {
    Mode mode = Mode::Hold;
    CommonOptions common;
    std::uint64_t capacity = 16 << 20;
    bool sizeGiven = false, watch = false, json = false, raw = false;
    std::vector<std::string> removeKeys;
};

std::string readyMessage(const Holder &holder, bool raw)
{
    std::string text = holder.key() + ": ";
    if (holder.adopted()) {
        const VersionInfo &kept = holder.keptVersion();
        text += "adopted the orphaned segment of a holder that died; kept " +
                (kept.generation ? "generation " + std::to_string(kept.generation) + " (" + formatSize(kept.length) +
                                       " from " + kept.source + ")"
                                 : std::string("its (empty) content")) +
                "; ";
    }
    text += "ready, capacity " + formatSize(holder.capacity()) + (raw ? " (raw Qt segment)" : "");
    // Said with the ready line, not later: a detached holder's stderr is /dev/null by then.
    if (const std::string problem = holder.keyFileRepairProblem(); !problem.empty())
        text += "; key files removed from TMPDIR cannot be restored until it can anchor them (" + problem +
                "); it tries every second";
    return text;
}

// An adopted orphan keeps its capacity, whatever -s asked for: say so rather than hold silently.
std::optional<std::string> capacityMismatch(const Holder &holder, const Request &request)
{
    if (!holder.adopted() || !request.sizeGiven || holder.capacity() == request.capacity)
        return std::nullopt;
    return holder.key() + ": the adopted segment keeps its capacity of " + formatSize(holder.capacity()) + ", not the " +
           formatSize(request.capacity) + " asked for with -s; for " + formatSize(request.capacity) +
           ", stop this holder (its content goes) and start again";
}

void printVersion(const VersionInfo &version)
{
    writeReport(isoTime(version.loadedAtMs) + " generation " + std::to_string(version.generation) + ": " +
                formatSize(version.length) + " from " + printable(version.source) + " by PID " +
                std::to_string(version.loaderPid) + "\n");
}

void printNotice(const std::string &line)
{
    writeReport(std::string(kTool) + ": " + printable(line) + "\n");
}

// --watch --json: the "stopped" event comes after the interrupt, which ends waits for a slow
// consumer: it goes through stdio, whose failure closeStdout() reports.
void printStoppedEvent(const std::string &line)
{
    std::fwrite(line.data(), 1, line.size(), stdout);
}

// --watch --json whose events could not be written: the holder has stopped already.
Error eventsNotWritten(const std::string &key, int error)
{
    const OutputTarget out = OutputTarget::standardOutput();
    return Error{ErrorCode::Failure, key + ": writing the --watch --json events to standard output failed: " +
                                         writeFailureCause(out, error) +
                                         "; so the holder stopped and removed its segment; " +
                                         writeFailureAdvice(out, error) + ", and start it again"};
}

int remove(const Request &request)
{
    int status = 0;
    for (const std::string &key : request.removeKeys) {
        auto removed = removeSegment(key, Seconds(request.common.timeout));
        if (!removed) {
            Error error = removed.error();
            // Nothing under the key, and no holder named: most often a typo, hinted at as by shm-read.
            if (error.code == ErrorCode::NoSegment && error.remedy == Remedy::None && error.pid == 0)
                error.message += "; " + otherKeyHint(key);
            const int code = reportError(kTool, error);
            status = status ? status : code;
            if (code == static_cast<int>(ErrorCode::Interrupted))
                return code;
            continue;
        }
        const std::string pid = std::to_string(removed->holderPid);
        if (removed->holderStopped && request.common.timeout == 0) {
            reportStatus(kTool, request.common.quiet,
                         key + ": asked its holder (PID " + pid + ") to stop; with -t 0 not waiting for it: it "
                               "removes segment " + std::to_string(removed->shmid) +
                               ", its semaphore and key files as it exits ('shm-read --list' shows when it is gone)");
            continue;
        }
        if (removed->shmid == -1) {
            // Its holder was killed and its segment removed after it (by a Qt program's last
            // detach(), which also takes the key file, or ipcrm): the rest of the key went now.
            const std::string semaphore =
                removed->semid == -1 ? "" : "its semaphore " + std::to_string(removed->semid) + " and ";
            reportStatus(kTool, request.common.quiet,
                         key + ": no segment was left (its holder had died, and a Qt program's last detach() or ipcrm "
                               "removed it); removed " + semaphore + "its key files");
            continue;
        }
        reportStatus(kTool, request.common.quiet,
                     key + (removed->holderStopped
                                ? ": stopped its holder (PID " + pid + "), which removed segment " +
                                      std::to_string(removed->shmid) + ", its semaphore and key files"
                                : ": removed the orphaned segment " + std::to_string(removed->shmid) +
                                      " (its holder, PID " + pid + ", had died), its semaphore and key files"));
    }
    return status;
}

int detached(const Request &request, const std::function<Result<std::string>()> &startUp,
             const std::function<int()> &serve, const std::function<void()> &abandon)
{
    // Whoever waits for the PID must get it and us gone, whatever stderr is (a full pipe
    // nobody reads): no report of ours, nor of the starting child, waits for room on it.
    reportsNeverWait(kTool);
    if (interruptSignal())
        return reportError(kTool, Error{ErrorCode::Interrupted, request.common.key +
                                                                    ": interrupted before the holder started; "
                                                                    "nothing was made"});
    auto background = runInBackground(startUp, serve, abandon);
    if (!background) {
        // What went wrong around the child (a pipe, fork, an interrupt) is about this key too.
        Error error = background.error();
        if (error.message.rfind(request.common.key + ": ", 0) != 0)
            error.message = request.common.key + ": " + error.message;
        return reportError(kTool, error);
    }
    const std::string pid = std::to_string(background->pid());
    // A reader of our stdout that has gone must not end us with SIGPIPE before we stop the
    // holder nobody learnt the PID of: the write fails with EPIPE instead.
    std::signal(SIGPIPE, SIG_IGN);
    // The holder stays only once its PID is out; killed before that, we leave none behind
    // (the child removes everything when the hand-over pipe closes without a word).
    const int pidError = writeStdoutOrErrno(pid + "\n");
    Status handedOver;
    if (pidError == 0 && !interruptSignal())
        handedOver = background->handOver();
    // A holder whose PID nobody got, or that was meant to stop, must not run on.
    if (pidError != 0 || !handedOver || interruptSignal()) {
        if (background->ended()) // it ended before the hand-over: the message says how
            return reportError(kTool, Error{handedOver.error().code,
                                            request.common.key + ": " + handedOver.error().message});
        stopBackground(background->pid());
        if (pidError != 0 && pidError != EINTR) {
            const OutputTarget out = OutputTarget::standardOutput();
            return reportError(kTool, Error{ErrorCode::Failure,
                                            request.common.key + ": shm-create could not write the holder's PID to "
                                                                 "standard output: " +
                                                writeFailureCause(out, pidError) + "; so it stopped the holder (PID " +
                                                pid + ") it had started; " + writeFailureAdvice(out, pidError) +
                                                ", and start it again"});
        }
        if (!handedOver)
            return reportError(kTool, Error{handedOver.error().code,
                                            handedOver.error().message + "; stopped the holder (PID " + pid + ")"});
        return reportError(kTool, Error{ErrorCode::Interrupted, request.common.key +
                                                                    ": interrupted while starting in the background; "
                                                                    "stopped the holder (PID " +
                                                                    pid + ")"});
    }
    reportStatus(kTool, request.common.quiet,
                 background->readyMessage() + " (holder PID " + pid + ", in the background); stop it with 'kill " +
                     pid + "' or '" + withKey("shm-create --remove", request.common.key) + "'");
    return 0;
}

int hold(const Request &request)
{
    if (auto key = checkKey(request.common.key); !key)
        return reportError(kTool, key.error());
    const HolderOptions options{request.capacity, request.raw, Seconds(request.common.timeout)};
    const std::string &key = request.common.key;
    const bool json = request.watch && request.json;

    std::optional<Holder> holder;
    const auto startUp = [&]() -> Result<std::string> {
        auto started = Holder::start(key, options);
        if (!started)
            return started.error();
        holder.emplace(std::move(*started));
        if (auto mismatch = capacityMismatch(*holder, request))
            printNotice(*mismatch);
        return readyMessage(*holder, request.raw);
    };
    // A stop that leaves key files behind (TMPDIR made immutable or read-only meanwhile) is no
    // success: exit 1, naming them, instead of "segment removed".
    const auto stop = [&](int signal) {
        const Status stopped = holder->stop();
        holder.reset();
        const std::string name = std::string("SIG") + sigabbrev_np(signal);
        std::string what = "segment removed";
        if (!stopped) {
            what = stopped.error().message;
            if (what.rfind(key + ": ", 0) == 0)
                what.erase(0, key.size() + 2);
        }
        if (json) {
            // The stop's remedies name the key, never the TMPDIR a holder is started in.
            const std::string remedy = stopped ? std::string() : remedyText(kTool, stopped.error(), {});
            printStoppedEvent(eventAsJson(key, "stopped", nullptr,
                                          "stopped by " + name + "; " + what + (remedy.empty() ? "" : "; " + remedy)));
        }
        if (!stopped) {
            Error said = stopped.error(); // with its remedy, which reportError words
            said.message = key + ": stopped by " + name + "; " + what;
            return reportError(kTool, said);
        }
        reportStatus(kTool, request.common.quiet, key + ": stopped by " + name + "; " + what);
        return 0;
    };
    if (request.mode == Mode::Detach)
        return detached(
            request, startUp,
            [&] { return stop(holder->serve({}, printNotice)); },
            [&] { holder.reset(); });
    auto ready = startUp();
    if (!ready)
        return reportError(kTool, ready.error());
    // From here on a stderr nobody reads must not stop the holder's work, from the ready line on,
    // nor a reader of stdout or stderr that has gone (`--watch 2>&1 | head -1`) kill it with
    // SIGPIPE and leave its segment behind: a write there fails with EPIPE instead.
    reportsNeverWait(kTool);
    std::signal(SIGPIPE, SIG_IGN);
    reportStatus(kTool, request.common.quiet,
                 *ready + " (holder PID " + std::to_string(::getpid()) + "); Ctrl-C to remove it");
    if (json) {
        // The events are the data the user asked for: each is written as it happens, waiting,
        // interruptibly, for a consumer that is slow to read. Where they cannot go (a consumer
        // that has gone, a full disk, a closed stdout) the first failed one stops the holder, as
        // shm-read --follow stops: a watch nobody receives is no watch.
        int outputError = 0;
        const auto printEvent = [&](const std::string &line) {
            if (outputError != 0)
                return;
            // EINTR: a signal, which ends serve() as it should.
            if (const int error = writeStdoutOrErrno(line); error != 0 && error != EINTR) {
                outputError = error;
                holder->stopServing();
            }
        };
        printEvent(eventAsJson(key, "ready", nullptr, *ready));
        int signal = 0;
        if (outputError == 0)
            signal = holder->serve([&](const VersionInfo &v) { printEvent(eventAsJson(key, "version", &v)); },
                                   [&](const std::string &notice) {
                                       printEvent(eventAsJson(key, "notice", nullptr, notice));
                                       printNotice(notice);
                                   });
        if (outputError != 0) {
            holder.reset();
            return reportError(kTool, eventsNotWritten(key, outputError));
        }
        return stop(signal);
    }
    return stop(holder->serve(request.watch ? printVersion : std::function<void(const VersionInfo &)>(), printNotice));
}

std::optional<int> parse(int argc, char **argv, Request &request)
{
    CLI::App app{"Create a named shared-memory segment and hold it until stopped (SIGINT, SIGTERM, SIGHUP); the "
                 "segment, its semaphore and its key files are removed when it stops. With --remove: remove "
                 "segments whole.",
                 kTool};
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
        reportUsage(kTool, "--size: " + capacity.error().message);
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
    Request request;
    if (auto code = parse(argc, argv, request))
        return *code;
    return request.mode == Mode::Remove ? remove(request) : hold(request);
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    noteInheritedSignals();
    // Before anything that a signal could interrupt: a SIGHUP in the first milliseconds of
    // shm-create -d must end it with 130 and a message, its half-started holder stopped.
    installInterruptHandlers();
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
