// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>
#include <vector>

/// The number of single-character insertions, deletions, substitutions and swaps of two
/// neighbours that turn `a` into `b` (optimal string alignment distance). Never fails.
std::size_t editDistance(const std::string &a, const std::string &b);

/// The candidate nearest to `typed`, if it is near enough to be a likely typo: the same name in
/// another case; else, for 3 characters or more, the one candidate `typed` is the start of
/// (ignoring case); else within a third of the longer name's length and at most 3 edits,
/// ignoring case (ties go to the first). "" if none is, or if `typed` is itself a candidate.
std::string nearestName(const std::string &typed, const std::vector<std::string> &candidates);
