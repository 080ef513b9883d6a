// SPDX-License-Identifier: BSD-3-Clause
#include "read_show.h"

#include "command_sink.h"
#include "follow.h"
#include "info_format.h"
#include "list_format.h"
#include "output_file.h"
#include "progress_bar.h"
#include "remedy_text.h"
#include "report.h"
#include "shell_quote.h"
#include "standard_streams.h"
#include "write_failure.h"

#include <shmtools/shmtools.h>

#include <functional>
#include <optional>
#include <string>
#include <unistd.h>

using namespace shmtools;

namespace {

// A wait for a version that ended without one, in the words of the wait. A holder that stops
// (its segment removed) while shm-read waits on a segment it found: the key was no typo, so no
// "did you mean" guess; the message says what ended the wait. A wait bounded by -t that ran out:
// -t can be raised or left out (the wait for a version is unbounded without it). Other errors,
// a holder killed (its orphan remains) among them, are returned as they are.
Error waitEnded(const Error &error, const ReadRequest &request, const std::string &during)
{
    if (error.code == ErrorCode::TimedOut && error.remedy == Remedy::None)
        return Error{error.code,
                     error.message + "; raise -t/--timeout, or leave it out to wait as long as it takes for a new "
                                     "version (shm-load publishes one)",
                     error.key, error.pid};
    if (error.code != ErrorCode::NoSegment || error.remedy != Remedy::StartHolder)
        return error;
    const std::string &key = request.common.key;
    return Error{ErrorCode::NoSegment,
                 key + ": the holder stopped " + during +
                     "; the segment and its content went with it; start a new holder with '" +
                     withKey("shm-create", key) + "' to go on",
                 key};
}

// What a wait was for, in the words of the option that asked for it.
std::string waitingFor(const ReadRequest &request)
{
    if (request.mode == ReadRequest::Mode::Follow)
        return "during --follow";
    if (request.wait)
        return "while --wait waited for a new version";
    return "while --since " + std::to_string(request.since) + " waited for a later generation";
}

// --since GEN ahead of the current generation waits for versions not yet published (or a GEN
// from an earlier holder's life, generations start again at 1): said once, as it may be long.
Status noteSinceAhead(Segment &segment, const ReadRequest &request)
{
    if (!request.sinceGiven || request.common.quiet)
        return {};
    auto current = segment.currentGeneration();
    if (!current)
        return current.error();
    if (request.since > *current)
        reportStatus(kReadTool, false,
                     request.common.key + ": --since " + std::to_string(request.since) +
                         " is ahead of the current generation " + std::to_string(*current) +
                         "; waiting for a version after generation " + std::to_string(request.since));
    return {};
}

// The wait that --wait and --since ask for before the content or metadata is shown.
Status waitFirst(Segment &segment, const ReadRequest &request, std::optional<Seconds> waitTimeout)
{
    if (!request.wait && !request.sinceGiven)
        return {};
    std::uint64_t after = request.since;
    if (auto noted = noteSinceAhead(segment, request); !noted)
        return noted;
    if (request.wait) {
        auto current = segment.currentGeneration();
        if (!current)
            return current.error();
        after = *current;
    }
    auto reached = segment.waitForGenerationAbove(after, waitTimeout);
    if (!reached)
        return reached.error();
    return {};
}

using SinkFor = std::function<Result<Sink>(const VersionInfo &)>;

Result<VersionInfo> readWithProgress(Segment &segment, const ReadRequest &request, const SinkFor &sinkFor)
{
    ProgressBar bar(kReadTool, request.progress);
    auto version = segment.readTo(sinkFor, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    bar.finish();
    return version;
}

Result<VersionInfo> toStdout(Segment &segment, const ReadRequest &request)
{
    auto version = readWithProgress(segment, request,
                                    [](const VersionInfo &) -> Result<Sink> { return Sink{STDOUT_FILENO, false}; });
    if (!version)
        return describeOutputError(version.error(), OutputTarget::standardOutput());
    return version;
}

// -o FILE: replaced only once the checksum of what was written has held.
Result<VersionInfo> toFile(Segment &segment, const ReadRequest &request)
{
    auto file = OutputFile::create(request.output);
    if (!file)
        return file.error();
    auto version = readWithProgress(segment, request,
                                    [&](const VersionInfo &) -> Result<Sink> { return Sink{file->fd(), false}; });
    if (!version)
        return describeOutputError(version.error(), OutputTarget::file(request.output));
    if (auto committed = file->commit(); !committed)
        return committed.error();
    return version;
}

// --exec: the content goes to CMD's stdin; an interrupt meanwhile is named as such.
Result<VersionInfo> toCommand(Segment &segment, const ReadRequest &request)
{
    std::optional<CommandSink> sink;
    auto version = readWithProgress(segment, request, [&](const VersionInfo &v) -> Result<Sink> {
        auto started = CommandSink::start(request.command, v.generation);
        if (!started)
            return started.error();
        sink.emplace(std::move(*started));
        return Sink{sink->fd(), true};
    });
    if (!sink)
        return version;
    if (!version)
        version = describeOutputError(version.error(), OutputTarget::command(request.command));
    const int exitStatus = sink->finish();
    if (interruptSignal())
        return Error{ErrorCode::Interrupted,
                     request.common.key + ": interrupted while --exec '" + request.command + "' ran", request.common.key};
    if (exitStatus != 0 && version)
        reportStatus(kReadTool, false,
                     request.common.key + ": --exec '" + request.command + "' exited with status " +
                         std::to_string(exitStatus) + " for generation " + std::to_string(version->generation) +
                         "; following on");
    return version;
}

// --follow --json: one metadata object per version and line (JSON Lines), flushed at once.
Result<VersionInfo> metadataLine(Segment &segment)
{
    auto metadata = segment.describe();
    if (!metadata)
        return metadata.error();
    const std::string line = infoAsJson(*metadata);
    if (auto written = writeStdout(line); !written)
        return written.error();
    return metadata->latest;
}

int follow(Segment &segment, const ReadRequest &request, std::optional<Seconds> waitTimeout)
{
    std::uint64_t after = request.since;
    if (auto noted = noteSinceAhead(segment, request); !noted)
        return reportError(kReadTool, noted.error());
    if (!request.sinceGiven) {
        auto current = segment.currentGeneration();
        if (!current)
            return reportError(kReadTool, current.error());
        after = *current;
    }
    const Status followed = followVersions(segment, after, waitTimeout, [&]() -> Result<VersionInfo> {
        if (request.json)
            return metadataLine(segment);
        return request.command.empty() ? toStdout(segment, request) : toCommand(segment, request);
    });
    if (followed.error().code == ErrorCode::Interrupted && followed.error().message.empty())
        return static_cast<int>(ErrorCode::Interrupted); // Ctrl-C between versions: --follow's way to end
    return reportError(kReadTool, waitEnded(followed.error(), request, waitingFor(request)));
}

// --info on an orphan: what is known of it on stdout (the error line, exit 3, follows): people
// asking about a segment should see that it is there, orphaned, and what to do.
void showOrphan(const std::string &key, const Error &error)
{
    if (error.remedy != Remedy::AdoptOrphan)
        return;
    auto listed = listSegments();
    if (!listed)
        return;
    for (const SegmentSummary &segment : *listed)
        if (segment.underThisTempDir && segment.keyComplete && segment.key == key && !segment.holderAlive) {
            [[maybe_unused]] auto written = writeStdout(orphanAsText(segment));
            return;
        }
}

} // namespace

int showSegment(const ReadRequest &request)
{
    if (auto key = checkKey(request.common.key); !key)
        return reportError(kReadTool, key.error());
    const OpenOptions openOptions{Seconds(request.common.timeout)};
    if (request.mode == ReadRequest::Mode::Raw) {
        auto read = rawRead(request.common.key, STDOUT_FILENO, request.all, openOptions);
        return read ? 0 : reportError(kReadTool, describeOutputError(read.error(), OutputTarget::standardOutput()));
    }
    auto segment = Segment::open(request.common.key, openOptions);
    if (!segment) {
        if (request.mode == ReadRequest::Mode::Metadata && !request.json)
            showOrphan(request.common.key, segment.error());
        return reportError(kReadTool, segment.error());
    }
    // Waiting for a version is bounded only when --timeout is given; locks always are.
    const std::optional<Seconds> waitTimeout =
        request.common.timeoutGiven ? std::optional<Seconds>(request.common.timeout) : std::nullopt;
    if (request.mode == ReadRequest::Mode::Follow)
        return follow(*segment, request, waitTimeout);
    if (auto waited = waitFirst(*segment, request, waitTimeout); !waited)
        return reportError(kReadTool, waitEnded(waited.error(), request, waitingFor(request)));
    if (request.mode == ReadRequest::Mode::Metadata) {
        auto metadata = segment->describe();
        if (!metadata)
            return reportError(kReadTool, metadata.error());
        const std::string text = request.json ? infoAsJson(*metadata) : infoAsText(*metadata);
        auto written = writeStdout(text);
        return written ? 0 : reportError(kReadTool, written.error());
    }
    auto version = request.output.empty() ? toStdout(*segment, request) : toFile(*segment, request);
    return version ? 0 : reportError(kReadTool, version.error());
}
