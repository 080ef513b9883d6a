// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <functional>

/// The Error for the exception being handled (call only inside a catch block): std::system_error
/// EAGAIN (no thread: a pids limit) names the limit and the remedy (taskLimitMessage()),
/// std::bad_alloc the memory limits, anything else says what escaped. Code ErrorCode::Failure.
shmtools::Error currentExceptionError();

/// Runs a main's `run` and turns an exception that escapes it into the one line on stderr that
/// every failure gets (currentExceptionError()), instead of std::terminate's SIGABRT (exit 134)
/// with the segment, claims and pins left behind: unwinding runs every destructor first.
/// Returns run's exit code, or ErrorCode::Failure (1) after an exception.
int runReportingExceptions(const char *tool, const std::function<int()> &run);
