// shm-load: copy a file (or stdin) into the segment.
#include "common_options.h"
#include "last_resort.h"
#include "progress_bar.h"
#include "report.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <filesystem>

using namespace shmtools;

namespace {
const char *const kTool = "shm-load";

int run(int argc, char **argv)
{
    CLI::App app{"Copy FILE (or stdin for '-') into the shared-memory segment, binary-safe; content larger than\n"
                 "the capacity is refused and the previous content stays.",
                 kTool};
    CommonOptions common;
    std::string file;
    std::string source;
    bool raw = false, progress = false, noProgress = false;
    app.add_option("FILE", file, "File to load, or - for stdin")->required();
    app.add_option("--source", source, "Name recorded as the source (default: the file's absolute path)");
    app.add_flag("--raw", raw, "Write the bytes and a NUL into any Qt segment under the key (as the seed example)");
    auto *on = app.add_flag("--progress", progress, "Show a progress bar on a terminal even for short loads");
    app.add_flag("--no-progress", noProgress, "Never show a progress bar")->excludes(on);
    setUpApp(app, common,
             "  shm-load notes.txt                load a file\n"
             "  tar -c src | shm-load -q -        load stdin, no status line\n"
             "  shm-load -k demo -t 2 image.png   another key; give up after 2 s of waiting\n");
    if (auto code = parseArguments(app, common, argc, argv))
        return *code;

    if (auto key = checkKey(common.key); !key)
        return reportError(kTool, key.error());
    const Input input = Input::file(file);
    const OpenOptions openOptions{Seconds(common.timeout)};
    installInterruptHandlers();

    if (raw) {
        auto written = rawLoad(common.key, input, openOptions);
        if (!written)
            return reportError(kTool, written.error());
        reportStatus(kTool, common.quiet,
                     common.key + ": loaded " + input.name() + ", " + sizeText(*written) + " plus a NUL (raw)");
        return 0;
    }
    if (source.empty())
        source = file == "-" ? "stdin" : std::filesystem::absolute(file).lexically_normal().string();
    auto segment = Segment::open(common.key, openOptions);
    if (!segment)
        return reportError(kTool, segment.error());
    ProgressBar bar(kTool, progress     ? ProgressBar::Mode::Always
                           : noProgress ? ProgressBar::Mode::Never
                                        : ProgressBar::Mode::Auto);
    auto loaded = segment->load(
        input, LoadOptions{source, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); }});
    bar.finish();
    if (!loaded)
        return reportError(kTool, loaded.error());
    reportStatus(kTool, common.quiet,
                 common.key + ": loaded " + input.name() + ", " + sizeText(loaded->length) + ", generation " +
                     std::to_string(loaded->generation));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
