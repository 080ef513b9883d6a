// SPDX-License-Identifier: BSD-3-Clause
// shm-read: write the latest loaded content to stdout (or -o FILE), show its metadata, list
// the segments, or wait for and follow new versions. Parses into one mode, then dispatches.
#include "child_process.h"
#include "common_options.h"
#include "last_resort.h"
#include "progress_bar.h"
#include "read_list.h"
#include "read_request.h"
#include "read_show.h"
#include "report.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <optional>
#include <string>
#include <vector>

using namespace shmtools;

namespace {

using Mode = ReadRequest::Mode;

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

std::optional<int> parse(int argc, char **argv, ReadRequest &request)
{
    CLI::App app{"Write the latest content loaded into the segment to stdout, byte for byte, after verifying its "
                 "checksum; or show its metadata, list the segments, or wait for and follow new versions.",
                 kReadTool};
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
        reportUsage(kReadTool, *problem);
        return static_cast<int>(ErrorCode::Usage);
    }
    if (!list)
        setReportKey(request.common.key);
    if (request.all && !list && !raw) {
        reportUsage(kReadTool, "--all works only with --list or --raw");
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
    ReadRequest request;
    if (auto code = parse(argc, argv, request))
        return *code;
    return request.mode == Mode::List ? listSegmentsMode(request) : showSegment(request);
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    noteInheritedSignals();
    installInterruptHandlers(); // before anything a signal could interrupt: it ends with 130 and a message
    return closeStdout(kReadTool, runReportingExceptions(kReadTool, [&] { return run(argc, argv); }));
}
