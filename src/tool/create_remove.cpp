// SPDX-License-Identifier: BSD-3-Clause
#include "create_remove.h"

#include "remedy_text.h"
#include "report.h"

#include <shmtools/shmtools.h>

using namespace shmtools;

int removeSegments(const CreateRequest &request)
{
    int status = 0;
    for (const std::string &key : request.removeKeys) {
        auto removed = removeSegment(key, Seconds(request.common.timeout));
        if (!removed) {
            Error error = removed.error();
            // Nothing under the key, and no holder named: most often a typo, hinted at as by shm-read.
            if (error.code == ErrorCode::NoSegment && error.remedy == Remedy::None && error.pid == 0)
                error.message += "; " + otherKeyHint(key);
            const int code = reportError(kCreateTool, error);
            status = status ? status : code;
            if (code == static_cast<int>(ErrorCode::Interrupted))
                return code;
            continue;
        }
        const std::string pid = std::to_string(removed->holderPid);
        if (removed->holderStopped && request.common.timeout == 0) {
            reportStatus(kCreateTool, request.common.quiet,
                         key + ": asked its holder (PID " + pid + ") to stop; with -t 0 not waiting for it: it "
                               "removes segment " + std::to_string(removed->shmid) +
                               ", its semaphore and key files as it exits ('shm-read --list' shows when it is gone)");
            continue;
        }
        if (removed->shmid == -1) {
            // Its holder was killed and its segment removed after it (by a Qt program's last
            // detach(), which also takes the key file, or ipcrm): the rest of the key went now.
            const std::string semaphore =
                removed->semid == -1 ? "" : "its semaphore " + std::to_string(removed->semid) + " and ";
            reportStatus(kCreateTool, request.common.quiet,
                         key + ": no segment was left (its holder had died, and a Qt program's last detach() or ipcrm "
                               "removed it); removed " + semaphore + "its key files");
            continue;
        }
        reportStatus(kCreateTool, request.common.quiet,
                     key + (removed->holderStopped
                                ? ": stopped its holder (PID " + pid + "), which removed segment " +
                                      std::to_string(removed->shmid) + ", its semaphore and key files"
                                : removed->holderPid == 0
                                ? ": removed segment " + std::to_string(removed->shmid) +
                                      ", left unfinished by a holder killed as it started, its semaphore and key files"
                                : ": removed the orphaned segment " + std::to_string(removed->shmid) +
                                      " (its holder, PID " + pid + ", had died), its semaphore and key files"));
    }
    return status;
}
