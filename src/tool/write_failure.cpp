// SPDX-License-Identifier: BSD-3-Clause
#include "write_failure.h"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace {

std::string cause(int error)
{
    switch (error) {
    case EPIPE: return " (the reader of the pipe went away)";
    case ENOSPC: return " (the file system is full)";
    case EDQUOT: return " (your disk quota is used up)";
    case EFBIG: return " (larger than the file size limit, ulimit -f)";
    case EIO: return " (the device reported an I/O error)";
    default: return "";
    }
}

std::string remedy(int error)
{
    switch (error) {
    case EPIPE: return "the segment is unchanged: read again into a consumer that reads everything";
    case ENOSPC:
    case EDQUOT: return "free some space, or write elsewhere, and read again: the segment is unchanged";
    case EFBIG: return "raise the limit (ulimit -f), or write elsewhere, and read again";
    default: return "the segment is unchanged: fix the output and read again";
    }
}

} // namespace

std::string descriptorLimitText(const std::string &what, int error)
{
    if (error == ENFILE)
        return what + ": no file descriptor left in the whole system (" + std::strerror(error) +
               ": fs.file-max); close programs, or raise fs.file-max, and retry";
    std::string limit = "RLIMIT_NOFILE";
    if (rlimit nofile{}; ::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY)
        limit += " is " + std::to_string(nofile.rlim_cur) + ", see 'ulimit -n'";
    return what + ": no file descriptor left (" + std::strerror(error) + "; " + limit +
           "); raise the limit (ulimit -n) or close descriptors, and retry";
}

std::string writeFailureText(const std::string &destination, int error)
{
    if (error == EMFILE || error == ENFILE)
        return descriptorLimitText("cannot open " + destination, error);
    return "writing " + destination + ": " + std::strerror(error) + cause(error) + "; " + remedy(error);
}

shmtools::Error describeOutputError(const shmtools::Error &error, const std::string &destination)
{
    // The library says "output: " and the system's text: it does not know what the output is.
    const std::string prefix = "output: ";
    if (error.code != shmtools::ErrorCode::Failure || error.message.rfind(prefix, 0) != 0)
        return error;
    const std::string text = error.message.substr(prefix.size());
    for (int candidate : {EPIPE, ENOSPC, EDQUOT, EFBIG, EIO, EBADF, EINVAL, EAGAIN, EROFS, EPERM, EACCES}) {
        if (text == std::strerror(candidate)) {
            shmtools::Error described = error;
            described.message = writeFailureText(destination, candidate);
            return described;
        }
    }
    shmtools::Error described = error;
    described.message = "writing " + destination + ": " + text + "; the segment is unchanged: fix the output and read again";
    return described;
}
