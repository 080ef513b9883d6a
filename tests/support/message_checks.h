// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>

/// The first word in `message` by which it would tell the user to run one of the tools or use
/// one of their options; empty if none. The core states facts and leaves such remedies to its
/// caller (Error::remedy), so that a program on the API never reads a flag it does not have.
inline std::string toolWordIn(const std::string &message)
{
    for (const char *word : {"--", "-k ", "-s ", "-t ", "-d ", "shm-create", "shm-load", "shm-read", "$SHM_KEY"})
        if (message.find(word) != std::string::npos)
            return word;
    return {};
}
