// SPDX-License-Identifier: BSD-3-Clause
// shm-read: write the latest loaded content to stdout (or -o FILE), show its metadata, list
// the segments, or wait for and follow new versions. Parses into one mode, then dispatches.
#include "child_process.h"
#include "command_sink.h"
#include "common_options.h"
#include "follow.h"
#include "info_format.h"
#include "last_resort.h"
#include "list_format.h"
#include "output_file.h"
#include "progress_bar.h"
#include "remedy_text.h"
#include "report.h"
#include "shell_quote.h"
#include "standard_streams.h"
#include "write_failure.h"

#include <shmtools/shmtools.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <unistd.h>

using namespace shmtools;

namespace {
const char *const kTool = "shm-read";

enum class Mode { Content, Metadata, Follow, List, Raw };

struct Request {
    Mode mode = Mode::Content;
    CommonOptions common;
    bool json = false, all = false, wait = false, sinceGiven = false;
    std::uint64_t since = 0;
    std::string command, output;
    ProgressBar::Mode progress = ProgressBar::Mode::Auto;
};

// Whether `segment` is the one of `key`; a shortened key (a very long one) is matched by its start.
bool hasKey(const SegmentSummary &segment, const std::string &key)
{
    return segment.keyComplete ? segment.key == key : key.rfind(segment.key, 0) == 0;
}

std::string segments(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " more segment" : " more segments");
}

// --list: the segments under this TMPDIR (with -k KEY typed, only those of KEY) (with --all: under every TMPDIR) on stdout; without
// --all, how many live under other TMPDIRs in a status line, so that none goes unnoticed. One
// recorded under this TMPDIR's path whose key file is not here (its device and inode) is not
// called another TMPDIR: the same path may be another directory in another mount namespace (a
// service's PrivateTmp, a container's /tmp), or this one with its key files removed, and no
// process here can reach it by key.
int list(const Request &request)
{
    auto listing = listSegmentsWithUninspected();
    if (!listing)
        return reportError(kTool, listing.error());
    const char *tempDirVariable = std::getenv("TMPDIR"); // put back by parseArguments, resolved
    const std::string tempDir = tempDirVariable ? tempDirVariable : "/tmp";
    std::vector<SegmentSummary> shown;
    std::set<std::string> otherTempDirs;
    std::size_t elsewhere = 0, unreachable = 0;
    for (SegmentSummary &segment : listing->segments) {
        if (request.common.keyTyped && !hasKey(segment, request.common.key))
            continue;
        if (segment.underThisTempDir || request.all) {
            shown.push_back(std::move(segment));
        } else if (segment.tempDir == tempDir) {
            ++unreachable;
        } else {
            ++elsewhere;
            otherTempDirs.insert(segment.tempDir);
        }
    }
    // A segment that could not be looked into is shown, marked, rather than hidden: it may be
    // one of this TMPDIR, or KEY's. With -k KEY, only if KEY's key file leads to it.
    std::vector<UninspectedSegment> uninspected;
    for (UninspectedSegment &segment : listing->uninspected) {
        if (request.common.keyTyped) {
            const auto keyFile = nativeKeyOf(request.common.key);
            if (!keyFile || segment.nativeKey != *keyFile)
                continue;
        }
        uninspected.push_back(std::move(segment));
    }
    // -k KEY that matches nothing is most often a typo: said, and hinted at, as shm-read -k says it.
    if (request.common.keyTyped && shown.empty() && uninspected.empty()) {
        const std::string &key = request.common.key;
        return reportError(kTool, Error{ErrorCode::NoSegment,
                                        key + ": no segment under this key" +
                                            (request.all ? std::string() : " (with TMPDIR " + tempDir + ")") + "; " +
                                            (elsewhere + unreachable > 0
                                                 ? "'" + withKey("shm-read --list --all", key) + "' lists it " +
                                                       (elsewhere > 0 ? "under other TMPDIRs"
                                                                      : "under this TMPDIR's path, where its key file "
                                                                        "is not reachable from here")
                                                 : otherKeyHint(key)),
                                        key});
    }
    const std::string text = request.json ? listAsJson(shown, uninspected)
                                          : listAsText(shown, uninspected, request.all ? &tempDir : nullptr);
    if (auto written = writeStdout(text); !written)
        return reportError(kTool, written.error());
    if (elsewhere > 0) {
        std::string dirs;
        for (const std::string &dir : otherTempDirs)
            dirs += (dirs.empty() ? "" : ", ") + dir;
        reportStatus(kTool, request.common.quiet,
                     segments(elsewhere) + " of yours under other TMPDIRs (" + dirs +
                         "); 'shm-read --list --all' lists them");
    }
    if (unreachable > 0)
        reportStatus(kTool, request.common.quiet,
                     segments(unreachable) + " of yours made under the path " + tempDir +
                         " whose key files are not reachable from here (another directory at that path in another "
                         "mount namespace, such as a service's PrivateTmp or a container's /tmp, or its key files "
                         "removed); 'shm-read --list --all' lists them");
    return 0;
}

// A wait for a version that ended without one, in the words of the wait. A holder that stops
// (its segment removed) while shm-read waits on a segment it found: the key was no typo, so no
// "did you mean" guess; the message says what ended the wait. A wait bounded by -t that ran out:
// -t can be raised or left out (the wait for a version is unbounded without it). Other errors,
// a holder killed (its orphan remains) among them, are returned as they are.
Error waitEnded(const Error &error, const Request &request, const std::string &during)
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
std::string waitingFor(const Request &request)
{
    if (request.mode == Mode::Follow)
        return "during --follow";
    if (request.wait)
        return "while --wait waited for a new version";
    return "while --since " + std::to_string(request.since) + " waited for a later generation";
}

// --since GEN ahead of the current generation waits for versions not yet published (or a GEN
// from an earlier holder's life, generations start again at 1): said once, as it may be long.
Status noteSinceAhead(Segment &segment, const Request &request)
{
    if (!request.sinceGiven || request.common.quiet)
        return {};
    auto current = segment.currentGeneration();
    if (!current)
        return current.error();
    if (request.since > *current)
        reportStatus(kTool, false,
                     request.common.key + ": --since " + std::to_string(request.since) +
                         " is ahead of the current generation " + std::to_string(*current) +
                         "; waiting for a version after generation " + std::to_string(request.since));
    return {};
}

// The wait that --wait and --since ask for before the content or metadata is shown.
Status waitFirst(Segment &segment, const Request &request, std::optional<Seconds> waitTimeout)
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

Result<VersionInfo> readWithProgress(Segment &segment, const Request &request, const SinkFor &sinkFor)
{
    ProgressBar bar(kTool, request.progress);
    auto version = segment.readTo(sinkFor, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    bar.finish();
    return version;
}

Result<VersionInfo> toStdout(Segment &segment, const Request &request)
{
    auto version = readWithProgress(segment, request,
                                    [](const VersionInfo &) -> Result<Sink> { return Sink{STDOUT_FILENO, false}; });
    if (!version)
        return describeOutputError(version.error(), OutputTarget::standardOutput());
    return version;
}

// -o FILE: replaced only once the checksum of what was written has held.
Result<VersionInfo> toFile(Segment &segment, const Request &request)
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
Result<VersionInfo> toCommand(Segment &segment, const Request &request)
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
        reportStatus(kTool, false,
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

int follow(Segment &segment, const Request &request, std::optional<Seconds> waitTimeout)
{
    std::uint64_t after = request.since;
    if (auto noted = noteSinceAhead(segment, request); !noted)
        return reportError(kTool, noted.error());
    if (!request.sinceGiven) {
        auto current = segment.currentGeneration();
        if (!current)
            return reportError(kTool, current.error());
        after = *current;
    }
    const Status followed = followVersions(segment, after, waitTimeout, [&]() -> Result<VersionInfo> {
        if (request.json)
            return metadataLine(segment);
        return request.command.empty() ? toStdout(segment, request) : toCommand(segment, request);
    });
    if (followed.error().code == ErrorCode::Interrupted && followed.error().message.empty())
        return static_cast<int>(ErrorCode::Interrupted); // Ctrl-C between versions: --follow's way to end
    return reportError(kTool, waitEnded(followed.error(), request, waitingFor(request)));
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

int showSegment(const Request &request)
{
    if (auto key = checkKey(request.common.key); !key)
        return reportError(kTool, key.error());
    const OpenOptions openOptions{Seconds(request.common.timeout)};
    if (request.mode == Mode::Raw) {
        auto read = rawRead(request.common.key, STDOUT_FILENO, request.all, openOptions);
        return read ? 0 : reportError(kTool, describeOutputError(read.error(), OutputTarget::standardOutput()));
    }
    auto segment = Segment::open(request.common.key, openOptions);
    if (!segment) {
        if (request.mode == Mode::Metadata && !request.json)
            showOrphan(request.common.key, segment.error());
        return reportError(kTool, segment.error());
    }
    // Waiting for a version is bounded only when --timeout is given; locks always are.
    const std::optional<Seconds> waitTimeout =
        request.common.timeoutGiven ? std::optional<Seconds>(request.common.timeout) : std::nullopt;
    if (request.mode == Mode::Follow)
        return follow(*segment, request, waitTimeout);
    if (auto waited = waitFirst(*segment, request, waitTimeout); !waited)
        return reportError(kTool, waitEnded(waited.error(), request, waitingFor(request)));
    if (request.mode == Mode::Metadata) {
        auto metadata = segment->describe();
        if (!metadata)
            return reportError(kTool, metadata.error());
        const std::string text = request.json ? infoAsJson(*metadata) : infoAsText(*metadata);
        auto written = writeStdout(text);
        return written ? 0 : reportError(kTool, written.error());
    }
    auto version = request.output.empty() ? toStdout(*segment, request) : toFile(*segment, request);
    return version ? 0 : reportError(kTool, version.error());
}

std::vector<OptionRule> rules()
{
    using K = OptionRule::Kind;
    return {
        {K::Excludes, "--info", "--json", "--json is the same metadata for scripts"},
        {K::Excludes, "--wait", "--since", "--wait is --since with the current generation"},
        {K::Excludes, "--follow", "--wait", "--follow already waits for every new version"},
        {K::Excludes, "--follow", "--info", "--follow --json follows the metadata"},
        {K::Needs, "--exec", "--follow", "to run a command on the current content: shm-read | CMD"},
        {K::Excludes, "--exec", "--json", ""},
        {K::Excludes, "--raw", "--info", "a plain Qt segment has no metadata"},
        {K::Excludes, "--raw", "--json", "a plain Qt segment has no metadata"},
        {K::Excludes, "--raw", "--wait", "a plain Qt segment has no versions"},
        {K::Excludes, "--raw", "--since", "a plain Qt segment has no versions"},
        {K::Excludes, "--raw", "--follow", "a plain Qt segment has no versions"},
        {K::Excludes, "--list", "--info", ""},
        {K::Excludes, "--list", "--wait", ""},
        {K::Excludes, "--list", "--since", ""},
        {K::Excludes, "--list", "--follow", ""},
        {K::Excludes, "--list", "--raw", ""},
    };
}

// What -o FILE cannot be combined with; -o - (standard output) goes with all of them.
std::vector<OptionRule> outputRules()
{
    using K = OptionRule::Kind;
    return {
        {K::Excludes, "--follow", "--output", "redirect stdout, or use --exec"},
        {K::Excludes, "--raw", "--output", "redirect stdout instead"},
        {K::Excludes, "--list", "--output", "redirect stdout instead"},
        {K::Excludes, "--info", "--output", "redirect stdout instead"},
        {K::Excludes, "--json", "--output", "redirect stdout instead"},
    };
}

std::optional<int> parse(int argc, char **argv, Request &request)
{
    CLI::App app{"Write the latest content loaded into the segment to stdout, byte for byte, after verifying its "
                 "checksum; or show its metadata, list the segments, or wait for and follow new versions.",
                 kTool};
    bool info = false, list = false, followFlag = false, raw = false;
    app.add_flag("--info", info, "Show the metadata for people instead of the content")->group(group::kShow);
    app.add_flag("--json", request.json,
                 "Show the metadata as one JSON object; with --list one per segment, with --follow one per "
                 "version (JSON Lines)")
        ->group(group::kShow);
    app.add_flag("--list", list,
                 "List your segments under this TMPDIR (with -k, only that key's): state (alive or orphan), "
                 "holder PID, generation, capacity, shmid, semid, key")
        ->group(group::kShow);
    app.add_flag("--all", request.all, "With --list: under every TMPDIR. With --raw: every byte of the segment")
        ->group(group::kShow);
    app.add_flag("--raw", raw, "Read a plain Qt segment (not made by shm-tools): its bytes up to the first NUL")
        ->group(group::kShow);
    app.add_flag("--wait", request.wait, "Wait for a version newer than the current one, then show it")
        ->group(group::kWaiting);
    app.add_option("--since", request.since, "Wait until the generation exceeds GEN, then show that version")
        ->check(wholeNumber())
        ->option_text("GEN")
        ->group(group::kWaiting);
    app.add_flag("--follow", followFlag, "Show every new version as it is published, until stopped")
        ->group(group::kWaiting);
    app.add_option("--exec", request.command,
                   "With --follow: run CMD with sh -c for each version, the content on its stdin, "
                   "$SHM_GENERATION set")
        ->option_text("CMD")
        ->group(group::kWaiting);
    app.add_option("-o,--output", request.output,
                   "Write the content to FILE instead of stdout (- is stdout): FILE is replaced only once the "
                   "whole content is written and its checksum holds")
        ->option_text("FILE")
        ->group(group::kContent);
    addProgressOptions(app, "reads", group::kContent);
    setUpApp(app, request.common,
             {"for the segment lock (" + timeoutDefaultText() +
                  "); and, only when given, for a new version (--wait, --since, --follow)",
              "do not wait, try once", "Writing the output is not bounded"},
             "  shm-read | less                    page through the latest content\n"
             "  shm-read -o copy.tar               to a file, replaced only when complete\n"
             "  shm-read --json | jq .generation   metadata for scripts\n"
             "  shm-read --follow --exec 'wc -c'   run a command on every new version\n"
             "  shm-read --since 41 -t 30 > out    the version after 41, waiting up to 30 s\n"
             "  shm-read --list                    your segments: alive or orphaned, and their keys\n");
    if (auto code = parseArguments(app, request.common, argc, argv, rules()))
        return code;
    if (request.output == "-") // standard output, as in most tools that take -o
        request.output.clear();
    else if (auto problem = findRuleProblem(app, outputRules())) {
        reportUsage(kTool, *problem);
        return static_cast<int>(ErrorCode::Usage);
    }
    if (!list)
        setReportKey(request.common.key);
    if (request.all && !list && !raw) {
        reportUsage(kTool, "--all works only with --list or --raw");
        return static_cast<int>(ErrorCode::Usage);
    }
    request.sinceGiven = app.count("--since") > 0;
    request.progress = progressMode(app);
    request.mode = list ? Mode::List : raw ? Mode::Raw : followFlag ? Mode::Follow
                                     : (info || request.json) ? Mode::Metadata : Mode::Content;
    return std::nullopt;
}

int run(int argc, char **argv)
{
    Request request;
    if (auto code = parse(argc, argv, request))
        return *code;
    return request.mode == Mode::List ? list(request) : showSegment(request);
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    noteInheritedSignals();
    installInterruptHandlers(); // before anything a signal could interrupt: it ends with 130 and a message
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
