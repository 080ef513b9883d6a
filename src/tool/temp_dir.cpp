// SPDX-License-Identifier: BSD-3-Clause
#include "temp_dir.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

shmtools::Status resolveTempDir()
{
    const char *given = std::getenv("TMPDIR");
    const std::string dir = given && *given ? given : "/tmp";
    const auto refuse = [&](const std::string &why) {
        return shmtools::Error{shmtools::ErrorCode::Usage,
                               "TMPDIR '" + dir + "' " + why +
                                   "; set TMPDIR to an existing directory of yours, or unset it for /tmp"};
    };
    char resolved[PATH_MAX];
    if (!::realpath(dir.c_str(), resolved))
        return refuse(std::string("cannot be used: ") + std::strerror(errno));
    struct stat info {};
    if (::stat(resolved, &info) != 0)
        return refuse(std::string("cannot be used: ") + std::strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return refuse("is not a directory");
    if (::access(resolved, X_OK) != 0)
        return refuse(std::string("cannot be used: ") + std::strerror(errno));
    if (::setenv("TMPDIR", resolved, 1) != 0)
        return shmtools::Error{shmtools::ErrorCode::Failure, std::string("setenv TMPDIR: ") + std::strerror(errno)};
    return {};
}
