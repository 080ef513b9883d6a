// SPDX-License-Identifier: BSD-3-Clause
// shm-example-reader [KEY [COUNT]]: the seed's "sharedmemory" display, headless. Prints the
// current version, if there is one, then every new version as it is published, to stdout; a line
// per version on stderr. Stops after COUNT versions (default: never), on Ctrl-C, or when the
// holder stops. Written the Qt way: each version arrives as a QByteArray.
#include <shmtools/qt.h>
#include <shmtools/shmtools.h>

#include <QByteArray>
#include <cstdio>
#include <cstdlib>

namespace {

int fail(const shmtools::Error &error)
{
    std::fprintf(stderr, "shm-example-reader: %s\n", error.message.c_str());
    return static_cast<int>(error.code);
}

} // namespace

int main(int argc, char **argv)
{
    const std::string key = argc > 1 ? argv[1] : shmtools::kDefaultKey;
    const long count = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 0; // 0: no limit
    // Without this, Ctrl-C simply ends the program (nothing is lost: the protocol allows for
    // that); with it, the wait below returns ErrorCode::Interrupted and we exit normally.
    shmtools::installInterruptHandlers();

    auto segment = shmtools::Segment::open(key);
    if (!segment)
        return fail(segment.error());
    std::uint64_t shown = 0; // the generation last printed: 0 prints the current one first
    for (long printed = 0; count == 0 || printed < count; ++printed) {
        auto next = segment->waitForGenerationAbove(shown, std::nullopt);
        if (!next)
            return fail(next.error());
        QByteArray content;
        auto version = shmtools::read(*segment, content);
        if (!version)
            return fail(version.error());
        std::fprintf(stderr, "shm-example-reader: %s: generation %llu, %lld bytes from %s\n", key.c_str(),
                     static_cast<unsigned long long>(version->generation), static_cast<long long>(content.size()),
                     version->source.c_str());
        if (std::fwrite(content.constData(), 1, std::size_t(content.size()), stdout) != std::size_t(content.size()) ||
            std::fflush(stdout) != 0) {
            std::perror("shm-example-reader: stdout");
            return static_cast<int>(shmtools::ErrorCode::Failure);
        }
        shown = version->generation;
    }
    return 0;
}
