// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>

/// The one wording of a failed write or open of an output ("writing standard output: Broken
/// pipe (the reader of the pipe went away); ..."): `destination` names it ("standard output",
/// "FILE", "the stdin of --exec 'CMD'"), `error` is the errno; the cause is explained for the
/// errors a user can meet (EPIPE, ENOSPC, EDQUOT, EFBIG, EMFILE, ENFILE, EIO) and the remedy says
/// what to do. Never fails.
std::string writeFailureText(const std::string &destination, int error);

/// The message for EMFILE or ENFILE while `what` ("cannot create a pipe"): names the limit
/// (RLIMIT_NOFILE with its value, `ulimit -n`; or the system's fs.file-max) and what to do.
std::string descriptorLimitText(const std::string &what, int error);

/// The library's failed write to an output ("output: CAUSE") in those words, for `destination`;
/// any other error is returned as it is.
shmtools::Error describeOutputError(const shmtools::Error &error, const std::string &destination);
