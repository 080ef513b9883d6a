// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <cstdint>
#include <string>

/// Parses a positive byte count the way coreutils (truncate, dd, head -c) reads sizes: a whole
/// or decimal number ("4096", "1.5M") and an optional unit: K, M, G, T, P, E (or k, m, g, t) and
/// KiB, MiB... are powers of 1024; KB (or kB), MB, GB... powers of 1000. Fails with ErrorCode::Usage,
/// the message naming the text and the accepted forms, for 0, a sign, an exponent, an unknown
/// unit, a fraction of a byte ("1.1K" is 1126.4 bytes) and more than 2^64-1 bytes.
shmtools::Result<std::uint64_t> parseSize(const std::string &text);

/// The accepted forms, briefly, for messages and --help.
const char *acceptedSizeForms();
