// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// What shm-create was asked to do, parsed from its command line: the one mode it runs.

#include "common_options.h"

#include <cstdint>
#include <string>
#include <vector>

inline constexpr const char *kCreateTool = "shm-create";

struct CreateRequest {
    enum class Mode { Hold, Detach, Remove };
    Mode mode = Mode::Hold;
    CommonOptions common;
    std::uint64_t capacity = 16 << 20;
    bool sizeGiven = false, watch = false, json = false, raw = false;
    std::vector<std::string> removeKeys;
};
