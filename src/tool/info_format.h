// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/listing.h>
#include <shmtools/segment.h>

#include <string>

/// --json: one JSON object (Qt's JSON classes), compact, newline-terminated. Field by field in
/// the README.
std::string infoAsJson(const shmtools::SegmentInfo &info);
/// --info: aligned "name: value" lines for people, sizes human-readable, values escaped as
/// printable() does (a source name may hold a newline or a terminal escape).
std::string infoAsText(const shmtools::SegmentInfo &info);
/// --info on an orphan (its holder died; the segment and its content remain): what --list knows
/// of it, in the lines of infoAsText, with "state" saying it is an orphan and what to do.
std::string orphanAsText(const shmtools::SegmentSummary &orphan);
/// ISO 8601 local time with milliseconds, or "" for 0.
std::string isoTime(std::int64_t msSinceEpoch);
/// shm-create --watch --json: one compact JSON object and newline per event: "event" ("ready",
/// "version", "notice", "stopped"), "key", "time" (now, ISO 8601), for a version its
/// generation, length, checksum, source, loaded_at and loader_pid, and `message` if not empty.
std::string eventAsJson(const std::string &key, const std::string &event, const shmtools::VersionInfo *version,
                        const std::string &message = {});
