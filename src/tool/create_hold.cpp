// SPDX-License-Identifier: BSD-3-Clause
#include "create_hold.h"

#include "detach.h"
#include "info_format.h"
#include "printable.h"
#include "remedy_text.h"
#include "report.h"
#include "report_channel.h"
#include "shell_quote.h"
#include "standard_streams.h"
#include "write_failure.h"
#include "base/size_text.h"

#include <shmtools/shmtools.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <unistd.h>

using namespace shmtools;
using shmtools::detail::formatSize;

namespace {

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
std::optional<std::string> capacityMismatch(const Holder &holder, const CreateRequest &request)
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
    writeReport(std::string(kCreateTool) + ": " + printable(line) + "\n");
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

int detached(const CreateRequest &request, const std::function<Result<std::string>()> &startUp,
             const std::function<int()> &serve, const std::function<void()> &abandon)
{
    // Whoever waits for the PID must get it and us gone, whatever stderr is (a full pipe
    // nobody reads): no report of ours, nor of the starting child, waits for room on it.
    reportsNeverWait(kCreateTool);
    if (interruptSignal())
        return reportError(kCreateTool, Error{ErrorCode::Interrupted, request.common.key +
                                                                    ": interrupted before the holder started; "
                                                                    "nothing was made"});
    auto background = runInBackground(startUp, serve, abandon);
    if (!background) {
        // What went wrong around the child (a pipe, fork, an interrupt) is about this key too.
        Error error = background.error();
        if (error.message.rfind(request.common.key + ": ", 0) != 0)
            error.message = request.common.key + ": " + error.message;
        return reportError(kCreateTool, error);
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
            return reportError(kCreateTool, Error{handedOver.error().code,
                                            request.common.key + ": " + handedOver.error().message});
        stopBackground(background->pid());
        if (pidError != 0 && pidError != EINTR) {
            const OutputTarget out = OutputTarget::standardOutput();
            return reportError(kCreateTool, Error{ErrorCode::Failure,
                                            request.common.key + ": shm-create could not write the holder's PID to "
                                                                 "standard output: " +
                                                writeFailureCause(out, pidError) + "; so it stopped the holder (PID " +
                                                pid + ") it had started; " + writeFailureAdvice(out, pidError) +
                                                ", and start it again"});
        }
        if (!handedOver)
            return reportError(kCreateTool, Error{handedOver.error().code,
                                            handedOver.error().message + "; stopped the holder (PID " + pid + ")"});
        return reportError(kCreateTool, Error{ErrorCode::Interrupted, request.common.key +
                                                                    ": interrupted while starting in the background; "
                                                                    "stopped the holder (PID " +
                                                                    pid + ")"});
    }
    reportStatus(kCreateTool, request.common.quiet,
                 background->readyMessage() + " (holder PID " + pid + ", in the background); stop it with 'kill " +
                     pid + "' or '" + withKey("shm-create --remove", request.common.key) + "'");
    return 0;
}

} // namespace

int hold(const CreateRequest &request)
{
    if (auto key = checkKey(request.common.key); !key)
        return reportError(kCreateTool, key.error());
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
            const std::string remedy = stopped ? std::string() : remedyText(kCreateTool, stopped.error(), {});
            printStoppedEvent(eventAsJson(key, "stopped", nullptr,
                                          "stopped by " + name + "; " + what + (remedy.empty() ? "" : "; " + remedy)));
        }
        if (!stopped) {
            Error said = stopped.error(); // with its remedy, which reportError words
            said.message = key + ": stopped by " + name + "; " + what;
            return reportError(kCreateTool, said);
        }
        reportStatus(kCreateTool, request.common.quiet, key + ": stopped by " + name + "; " + what);
        return 0;
    };
    if (request.mode == CreateRequest::Mode::Detach)
        return detached(
            request, startUp,
            [&] { return stop(holder->serve({}, printNotice)); },
            [&] { holder.reset(); });
    auto ready = startUp();
    if (!ready)
        return reportError(kCreateTool, ready.error());
    // From here on a stderr nobody reads must not stop the holder's work, from the ready line on,
    // nor a reader of stdout or stderr that has gone (`--watch 2>&1 | head -1`) kill it with
    // SIGPIPE and leave its segment behind: a write there fails with EPIPE instead.
    reportsNeverWait(kCreateTool);
    std::signal(SIGPIPE, SIG_IGN);
    reportStatus(kCreateTool, request.common.quiet,
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
            return reportError(kCreateTool, eventsNotWritten(key, outputError));
        }
        return stop(signal);
    }
    return stop(holder->serve(request.watch ? printVersion : std::function<void(const VersionInfo &)>(), printNotice));
}
