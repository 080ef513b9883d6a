// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// What shm-read was asked to do, parsed from its command line: the one mode it runs.

#include "common_options.h"
#include "progress_bar.h"

#include <cstdint>
#include <string>

inline constexpr const char *kReadTool = "shm-read";

struct ReadRequest {
    enum class Mode { Content, Metadata, Follow, List, Raw };
    Mode mode = Mode::Content;
    CommonOptions common;
    bool json = false, all = false, wait = false, sinceGiven = false;
    std::uint64_t since = 0;
    std::string command, output;
    ProgressBar::Mode progress = ProgressBar::Mode::Auto;
};
