// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>

/// Where a failed write went: its wording names it and gives the advice that fits it (a full
/// file system under -o FILE is not fixed as a reader that went away on standard output is).
struct OutputTarget {
    enum class Kind { StandardOutput, File, CommandStdin };
    Kind kind = Kind::StandardOutput;
    std::string name; ///< the file (File) or the command (CommandStdin); empty for standard output

    static OutputTarget standardOutput() { return {}; }
    static OutputTarget file(std::string path) { return {Kind::File, std::move(path)}; }
    static OutputTarget command(std::string command) { return {Kind::CommandStdin, std::move(command)}; }
    /// "standard output", the file's name, "the stdin of --exec 'CMD'".
    std::string describe() const;
};

/// The system's reason for `error` (an errno; 0 when the system gave none) and what it means
/// for `target`, e.g. "No space left on device (its file system is full)". Never fails.
std::string writeFailureCause(const OutputTarget &target, int error);
/// What to do about `error` on `target`, e.g. "free some space, or choose a file in another
/// directory". Never fails.
std::string writeFailureAdvice(const OutputTarget &target, int error);

/// The one wording of a failed write or open of an output: "writing TARGET: CAUSE; ADVICE" (the
/// descriptor limits, EMFILE and ENFILE, as descriptorLimitText() words them). Never fails.
std::string writeFailureText(const OutputTarget &target, int error);

/// The message for EMFILE or ENFILE while `what` ("cannot create a pipe"): names the limit
/// (RLIMIT_NOFILE with its value, `ulimit -n`; or the system's fs.file-max) and what to do.
std::string descriptorLimitText(const std::string &what, int error);

/// shm-read's failed write of the content ("output: CAUSE" from the library) in those words for
/// `target`, and that the segment is unchanged, to read again; any other error is returned as
/// it is.
shmtools::Error describeOutputError(const shmtools::Error &error, const OutputTarget &target);
