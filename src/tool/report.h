#pragma once

#include "result.h"

#include <string>

/// The one line on stderr for a failure ("tool: message"); returns its exit code.
int reportError(const std::string &tool, const Error &error);
/// A usage error: the problem and where to read more.
void reportUsage(const std::string &tool, const std::string &problem);
/// A status message ("tool: message"), unless quiet.
void reportStatus(const std::string &tool, bool quiet, const std::string &message);
