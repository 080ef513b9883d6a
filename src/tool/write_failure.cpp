// SPDX-License-Identifier: BSD-3-Clause
#include "write_failure.h"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

using Kind = OutputTarget::Kind;

namespace {

std::string explanation(const OutputTarget &target, int error)
{
    switch (error) {
    case EPIPE:
        return target.kind == Kind::CommandStdin ? " (the command stopped reading its stdin)"
                                                 : " (the reader of the pipe went away)";
    case ENOSPC:
        return target.kind == Kind::File ? " (its file system is full)"
                                         : " (the file system is full)";
    case EDQUOT: return " (your disk quota is used up)";
    case EFBIG: return " (larger than the file size limit, ulimit -f)";
    case EIO: return " (the device reported an I/O error)";
    case EBADF: return target.kind == Kind::StandardOutput ? " (standard output is closed)" : "";
    default: return "";
    }
}

} // namespace

std::string OutputTarget::describe() const
{
    switch (kind) {
    case Kind::StandardOutput: return "standard output";
    case Kind::File: return name;
    case Kind::CommandStdin: return "the stdin of --exec '" + name + "'";
    }
    return name;
}

std::string writeFailureCause(const OutputTarget &target, int error)
{
    if (error == 0)
        return "the system gave no reason";
    return std::strerror(error) + explanation(target, error);
}

std::string writeFailureAdvice(const OutputTarget &target, int error)
{
    const bool file = target.kind == Kind::File;
    switch (error) {
    case EPIPE:
        return target.kind == Kind::CommandStdin ? "make the command read all of its stdin"
                                                 : "send it to a consumer that reads everything";
    case ENOSPC:
    case EDQUOT:
        return file ? "free some space, or choose a file in another directory"
                    : "free some space, or redirect standard output to another file system";
    case EFBIG:
        return file ? "raise the limit (ulimit -f), or choose another file"
                    : "raise the limit (ulimit -f), or redirect standard output elsewhere";
    case EBADF:
        if (target.kind == Kind::StandardOutput)
            return "run it with standard output open (not >&-)";
        return "check " + target.describe();
    default: return "check " + target.describe() + (file ? " and its directory" : " and where it goes");
    }
}

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

std::string writeFailureText(const OutputTarget &target, int error)
{
    if (error == EMFILE || error == ENFILE)
        return descriptorLimitText("cannot open " + target.describe(), error);
    return "writing " + target.describe() + ": " + writeFailureCause(target, error) + "; " +
           writeFailureAdvice(target, error);
}

shmtools::Error describeOutputError(const shmtools::Error &error, const OutputTarget &target)
{
    // The library says "output: " and the system's text: it does not know what the output is.
    const std::string prefix = "output: ";
    if (error.code != shmtools::ErrorCode::Failure || error.message.rfind(prefix, 0) != 0)
        return error;
    const std::string text = error.message.substr(prefix.size());
    shmtools::Error described = error;
    described.message = "writing " + target.describe() + ": " + text + "; check " + target.describe() +
                        ", and read again: the segment is unchanged";
    for (int candidate : {EPIPE, ENOSPC, EDQUOT, EFBIG, EIO, EBADF, EINVAL, EAGAIN, EROFS, EPERM, EACCES}) {
        if (text == std::strerror(candidate)) {
            described.message = writeFailureText(target, candidate) + ", and read again: the segment is unchanged";
            break;
        }
    }
    return described;
}
