// SPDX-License-Identifier: BSD-3-Clause
// shm-example-loader FILE [KEY]: the seed's "sharedmemory_loader", headless. Copies FILE into the
// segment a holder (shm-create, or a program with a shmtools::Holder) keeps under KEY, as one
// new version: binary-safe, checksummed, never torn, refused whole if it does not fit.
#include <shmtools/shmtools.h>

#include <cstdio>

namespace {

int fail(const shmtools::Error &error)
{
    std::fprintf(stderr, "shm-example-loader: %s\n", error.message.c_str());
    return static_cast<int>(error.code);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: shm-example-loader FILE [KEY]\n");
        return static_cast<int>(shmtools::ErrorCode::Usage);
    }
    const std::string key = argc > 2 ? argv[2] : shmtools::kDefaultKey;

    auto segment = shmtools::Segment::open(key);
    if (!segment)
        return fail(segment.error());
    auto version = segment->load(shmtools::Input::file(argv[1]));
    if (!version)
        return fail(version.error());
    std::fprintf(stderr, "shm-example-loader: %s: loaded %s, %llu bytes, generation %llu\n", key.c_str(), argv[1],
                 static_cast<unsigned long long>(version->length),
                 static_cast<unsigned long long>(version->generation));
    return 0;
}
