// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <optional>
#include <string>
#include <string_view>

/// What a background holder tells the process that started it (`shm-create -d`) when its
/// start-up has ended: ready, with the line to show, or the Error it failed with, whole (code,
/// remedy, key, PID), so that the parent words it as the child would have. One record: fixed
/// integers, then the two strings they count, so that nothing is parsed out of text.
struct StartReport {
    bool ready = false;
    std::string readyMessage; ///< if ready
    shmtools::Error error;    ///< if not
};

/// The bytes of `report`. Never fails.
std::string encodeStartReport(const StartReport &report);
/// The report in `bytes`, or nullopt unless they are exactly one whole record.
std::optional<StartReport> decodeStartReport(std::string_view bytes);
