// shm-read: write the latest loaded content to stdout, or wait for / follow new versions.
#include "command_sink.h"
#include "common_options.h"
#include "follow.h"
#include "info_format.h"
#include "last_resort.h"
#include "list_format.h"
#include "progress_bar.h"
#include "report.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <cstdio>
#include <optional>
#include <set>
#include <unistd.h>

using namespace shmtools;

namespace {
const char *const kTool = "shm-read";

// --list: the segments under this TMPDIR on stdout; how many live under other TMPDIRs (which
// this process cannot meet) in a status line, so that none goes unnoticed.
int listHere(bool json, bool quiet)
{
    auto listed = listSegments();
    if (!listed)
        return reportError(kTool, listed.error());
    std::vector<SegmentSummary> here;
    std::set<std::string> otherTempDirs;
    std::size_t elsewhere = 0;
    for (SegmentSummary &segment : *listed) {
        if (segment.underThisTempDir) {
            here.push_back(std::move(segment));
        } else {
            ++elsewhere;
            otherTempDirs.insert(segment.tempDir);
        }
    }
    const std::string text = json ? listAsJson(here) : listAsText(here);
    if (auto written = writeStdout(text); !written)
        return reportError(kTool, written.error());
    if (elsewhere > 0) {
        std::string dirs;
        for (const std::string &dir : otherTempDirs)
            dirs += (dirs.empty() ? "" : ", ") + dir;
        reportStatus(kTool, quiet,
                     std::to_string(elsewhere) + (elsewhere == 1 ? " more segment" : " more segments") +
                         " of yours under other TMPDIRs (" + dirs + "); set TMPDIR to list them");
    }
    return 0;
}

int run(int argc, char **argv)
{
    CLI::App app{"Write the latest content loaded into the shared-memory segment to stdout, byte for byte,\n"
                 "after verifying its checksum; or show its metadata, or wait for and follow new versions.",
                 kTool};
    CommonOptions common;
    bool info = false, json = false, list = false, wait = false, follow = false, raw = false, all = false;
    bool progress = false, noProgress = false;
    std::uint64_t since = 0;
    std::string command;
    auto *infoFlag = app.add_flag("--info", info, "Show the metadata for people instead of the content");
    auto *jsonFlag =
        app.add_flag("--json", json, "Show the metadata as one JSON object (with --list: one per segment and line)")
            ->excludes(infoFlag);
    auto *waitFlag = app.add_flag("--wait", wait, "Wait for a version newer than the current one, then print it");
    auto *sinceOption = app.add_option("--since", since, "Wait until the generation exceeds GEN, then print")
                            ->check(wholeNumber())
                            ->excludes(waitFlag);
    auto *followFlag = app.add_flag("--follow", follow, "Print every new version as it is published")
                           ->excludes(waitFlag)
                           ->excludes(infoFlag)
                           ->excludes(jsonFlag);
    app.add_option("--exec", command,
                   "With --follow: run CMD (sh -c) per version, content on its stdin, "
                   "SHM_GENERATION set")
        ->needs(followFlag);
    auto *rawFlag = app.add_flag("--raw", raw, "Read a plain Qt segment: its bytes up to the first NUL")
                        ->excludes(infoFlag)
                        ->excludes(jsonFlag)
                        ->excludes(waitFlag)
                        ->excludes(sinceOption)
                        ->excludes(followFlag);
    app.add_flag("--all", all, "With --raw: every byte of the segment")->needs(rawFlag);
    app.add_flag("--list", list,
                 "List your segments under this TMPDIR, every key: state (alive or orphan), holder PID, "
                 "generation, capacity")
        ->excludes(infoFlag)
        ->excludes(waitFlag)
        ->excludes(sinceOption)
        ->excludes(followFlag)
        ->excludes(rawFlag);
    auto *on = app.add_flag("--progress", progress, "Show a progress bar on a terminal even for short reads");
    app.add_flag("--no-progress", noProgress, "Never show a progress bar")->excludes(on);
    setUpApp(app, common,
             "  shm-read | less                    page through the latest content\n"
             "  shm-read --json | jq .generation   metadata for scripts\n"
             "  shm-read --follow --exec 'wc -c'   run a command on every new version\n"
             "  shm-read --since 41 -t 30 > out    the version after 41, waiting up to 30 s\n"
             "  shm-read --list                    your segments: alive or orphaned, and their keys\n");
    if (auto code = parseArguments(app, common, argc, argv))
        return *code;
    if (list)
        return listHere(json, common.quiet);

    if (auto key = checkKey(common.key); !key)
        return reportError(kTool, key.error());
    const OpenOptions openOptions{Seconds(common.timeout)};
    installInterruptHandlers();

    if (raw) {
        auto read = rawRead(common.key, STDOUT_FILENO, all, openOptions);
        return read ? 0 : reportError(kTool, read.error());
    }
    auto segment = Segment::open(common.key, openOptions);
    if (!segment)
        return reportError(kTool, segment.error());

    // Waiting for a version is bounded only when --timeout is given; locks always are.
    const std::optional<Seconds> waitTimeout =
        common.timeoutGiven ? std::optional<Seconds>(common.timeout) : std::nullopt;
    const bool sinceGiven = app.count("--since") > 0;
    if (wait || sinceGiven) {
        std::uint64_t after = since;
        if (wait) {
            auto current = segment->currentGeneration();
            if (!current)
                return reportError(kTool, current.error());
            after = *current;
        }
        auto reached = segment->waitForGenerationAbove(after, waitTimeout);
        if (!reached)
            return reportError(kTool, reached.error());
    }
    if (info || json) {
        auto metadata = segment->describe();
        if (!metadata)
            return reportError(kTool, metadata.error());
        const std::string text = json ? infoAsJson(*metadata) : infoAsText(*metadata);
        auto written = writeStdout(text);
        return written ? 0 : reportError(kTool, written.error());
    }

    ProgressBar::Mode mode = progress     ? ProgressBar::Mode::Always
                             : noProgress ? ProgressBar::Mode::Never
                                          : ProgressBar::Mode::Auto;
    using SinkFor = std::function<Result<Sink>(const VersionInfo &)>;
    const auto readTo = [&](const SinkFor &sinkFor) -> Result<VersionInfo> {
        ProgressBar bar(kTool, mode);
        auto version =
            segment->readTo(sinkFor, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
        bar.finish();
        return version;
    };
    const auto toStdout = [](const VersionInfo &) -> Result<Sink> { return Sink{STDOUT_FILENO, false}; };
    if (!follow) {
        auto version = readTo(toStdout);
        return version ? 0 : reportError(kTool, version.error());
    }

    const auto deliver = [&]() -> Result<VersionInfo> {
        if (command.empty())
            return readTo(toStdout);
        std::optional<CommandSink> sink;
        auto version = readTo([&](const VersionInfo &v) -> Result<Sink> {
            auto started = CommandSink::start(command, v.generation);
            if (!started)
                return started.error();
            sink.emplace(std::move(*started));
            return Sink{sink->fd(), true};
        });
        if (sink) {
            if (const int exitStatus = sink->finish(); exitStatus != 0 && version && !interruptSignal())
                reportStatus(kTool, false,
                             "--exec: '" + command + "' exited with status " + std::to_string(exitStatus) +
                                 " for generation " + std::to_string(version->generation));
        }
        return version;
    };
    std::uint64_t after = since;
    if (!sinceGiven) {
        auto current = segment->currentGeneration();
        if (!current)
            return reportError(kTool, current.error());
        after = *current;
    }
    const Status followed = followVersions(*segment, after, waitTimeout, deliver);
    return reportError(kTool, followed.error());
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
