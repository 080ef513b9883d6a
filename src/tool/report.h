// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>

/// The one line on stderr for a failure ("tool: message; remedy", the remedy worded for this
/// tool by remedyText(), control characters escaped as printable() does, so that a hostile name
/// cannot forge lines); returns its exit code.
int reportError(const std::string &tool, const shmtools::Error &error);
/// From now on, the key every error line is about: reportError() puts "KEY: " before a message
/// that does not already start with it (an output error, a pipe that could not be made), so
/// that every line reads "TOOL: KEY: what happened (cause); what to do".
void setReportKey(const std::string &key);

/// A usage error: the problem (escaped) and where to read more.
void reportUsage(const std::string &tool, const std::string &problem);
/// A status message ("tool: message", escaped), unless quiet.
void reportStatus(const std::string &tool, bool quiet, const std::string &message);
