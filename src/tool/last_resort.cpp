// SPDX-License-Identifier: BSD-3-Clause
#include "last_resort.h"

#include "report.h"
#include "task_limit.h"

#include <exception>
#include <new>
#include <string>
#include <system_error>

shmtools::Error currentExceptionError()
{
    using shmtools::Error;
    using shmtools::ErrorCode;
    // The library reports what it can as a Result; what arrives here is what it could not:
    // std::thread's system_error, an allocation that failed.
    try {
        throw;
    } catch (const std::system_error &error) {
        if (error.code() == std::errc::resource_unavailable_try_again)
            return Error{ErrorCode::Failure, taskLimitMessage("cannot start a thread")};
        return Error{ErrorCode::Failure, std::string("unexpected system error: ") + error.what()};
    } catch (const std::bad_alloc &) {
        return Error{ErrorCode::Failure, "out of memory (a memory limit: ulimit -v, the cgroup's memory.max, "
                                         "systemd's MemoryMax=); raise it, or use a smaller segment"};
    } catch (const std::exception &error) {
        return Error{ErrorCode::Failure, std::string("unexpected error: ") + error.what()};
    } catch (...) {
        return Error{ErrorCode::Failure, "unexpected error of unknown type"};
    }
}

int runReportingExceptions(const char *tool, const std::function<int()> &run)
{
    try {
        return run();
    } catch (...) {
        return reportError(tool, currentExceptionError());
    }
}
