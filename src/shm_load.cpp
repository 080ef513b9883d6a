// SPDX-License-Identifier: BSD-3-Clause
// shm-load: copy a file (or stdin) into the segment.
#include "child_process.h"
#include "common_options.h"
#include "last_resort.h"
#include "progress_bar.h"
#include "report.h"
#include "standard_streams.h"
#include "base/size_text.h"

#include <shmtools/shmtools.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools;
using shmtools::detail::formatSize;

namespace {
const char *const kTool = "shm-load";

struct Request {
    CommonOptions common;
    std::string file, source;
    bool raw = false;
    ProgressBar::Mode progress = ProgressBar::Mode::Auto;
};

// The input is opened before the segment is looked for, so that a mistyped file name is
// reported as such (exit 5) whatever the state of the key.
class OpenedInput {
public:
    explicit OpenedInput(int fd) : m_fd(fd) {}
    OpenedInput(const OpenedInput &) = delete;
    OpenedInput &operator=(const OpenedInput &) = delete;
    ~OpenedInput()
    {
        if (m_fd > STDERR_FILENO)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }

private:
    int m_fd;
};

// What to do about a FILE that cannot be opened, for the causes a user can act on.
std::string unreadableAdvice(int error)
{
    switch (error) {
    case ENOENT:
    case ENOTDIR: return "; check the path";
    case EACCES:
    case EPERM: return "; check its permissions, or load it as a user who may read it";
    case EISDIR: return "; give a file in it (to load a directory: tar -c DIR | shm-load -)";
    default: return "";
    }
}

Result<Input> openInput(const std::string &file, std::optional<OpenedInput> &opened)
{
    if (file == "-")
        return Input::file(file);
    // A FIFO waits here for a writer: opened as every blocking call of the tools is, so that
    // SIGINT, SIGTERM or SIGHUP end the wait as an interrupt (exit 130), not as an input error.
    int fd;
    do
        fd = static_cast<int>(interruptibleCall([&] { return ::open(file.c_str(), O_RDONLY | O_CLOEXEC); }));
    while (fd < 0 && errno == EINTR && !interruptSignal());
    if (fd < 0 && errno == EINTR)
        return Error{ErrorCode::Interrupted, file + ": interrupted while opening it (waiting for a writer?)"};
    if (fd < 0)
        return Error{ErrorCode::InputUnreadable, file + ": " + std::strerror(errno) + unreadableAdvice(errno)};
    opened.emplace(fd);
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode))
        return Error{ErrorCode::InputUnreadable, file + ": " + std::strerror(EISDIR) + unreadableAdvice(EISDIR)};
    return Input::descriptor(fd, file);
}

int load(const Request &request)
{
    const std::string &key = request.common.key;
    if (auto checked = checkKey(key); !checked)
        return reportError(kTool, checked.error());
    std::optional<OpenedInput> opened;
    auto input = openInput(request.file, opened);
    if (!input)
        return reportError(kTool, input.error());
    const OpenOptions openOptions{Seconds(request.common.timeout)};

    if (request.raw) {
        auto written = rawLoad(key, *input, openOptions);
        if (!written)
            return reportError(kTool, written.error());
        reportStatus(kTool, request.common.quiet,
                     key + ": loaded " + input->name() + ", " + formatSize(*written) + " plus a NUL (raw)");
        return 0;
    }
    const std::string source =
        !request.source.empty() ? request.source
        : request.file == "-"   ? "stdin"
                                : std::filesystem::absolute(request.file).lexically_normal().string();
    auto segment = Segment::open(key, openOptions);
    if (!segment)
        return reportError(kTool, segment.error());
    ProgressBar bar(kTool, request.progress);
    auto loaded = segment->load(
        *input, LoadOptions{source, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); }});
    bar.finish();
    if (!loaded)
        return reportError(kTool, loaded.error());
    reportStatus(kTool, request.common.quiet,
                 key + ": loaded " + input->name() + ", " + formatSize(loaded->length) + ", generation " +
                     std::to_string(loaded->generation));
    return 0;
}

std::optional<int> parse(int argc, char **argv, Request &request)
{
    CLI::App app{"Copy FILE (or stdin for '-') into the shared-memory segment, binary-safe; content larger than "
                 "the capacity is refused and the previous content stays.",
                 kTool};
    app.add_option("FILE", request.file, "The file to load, or - for stdin")->required()->group(group::kArguments);
    app.add_option("--source", request.source,
                   "The name recorded as the content's source (default: the file's absolute path, or stdin)")
        ->option_text("NAME")
        ->group(group::kContent);
    app.add_flag("--raw", request.raw,
                 "Write the bytes and a NUL into a plain Qt segment (not made by shm-tools), as QSharedMemory "
                 "programs expect")
        ->group(group::kContent);
    addProgressOptions(app, "loads", group::kShow);
    using K = OptionRule::Kind;
    const std::vector<OptionRule> rules{
        {K::Excludes, "--raw", "--source", "a plain Qt segment records no source"},
    };
    setUpApp(app, request.common,
             {"for the segment lock and for a free slot (" + timeoutDefaultText() + ")", "do not wait, try once",
              "Reading the input is not bounded"},
             "  shm-load notes.txt                load a file\n"
             "  tar -c src | shm-load -q -        load stdin, no status line\n"
             "  shm-load -k demo -t 2 image.png   another key; give up after 2 s of waiting\n");
    if (auto code = parseArguments(app, request.common, argc, argv, rules))
        return code;
    setReportKey(request.common.key);
    request.progress = progressMode(app);
    return std::nullopt;
}

int run(int argc, char **argv)
{
    Request request;
    if (auto code = parse(argc, argv, request))
        return *code;
    return load(request);
}

} // namespace

int main(int argc, char **argv)
{
    occupyStandardDescriptors(); // before anything can open a descriptor
    noteInheritedSignals();
    installInterruptHandlers(); // before anything a signal could interrupt: it ends with 130 and a message
    return closeStdout(kTool, runReportingExceptions(kTool, [&] { return run(argc, argv); }));
}
