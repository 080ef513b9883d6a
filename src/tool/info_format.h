#pragma once

#include <shmtools/segment.h>

#include <string>

/// --json: one JSON object (Qt's JSON classes), compact, newline-terminated. Field by field in
/// the README.
std::string infoAsJson(const shmtools::SegmentInfo &info);
/// --info: aligned "name: value" lines for people, sizes human-readable, values escaped as
/// printable() does (a source name may hold a newline or a terminal escape).
std::string infoAsText(const shmtools::SegmentInfo &info);
/// ISO 8601 local time with milliseconds, or "" for 0.
std::string isoTime(std::int64_t msSinceEpoch);
