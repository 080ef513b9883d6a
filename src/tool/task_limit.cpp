// SPDX-License-Identifier: BSD-3-Clause
#include "task_limit.h"

#include <fstream>
#include <sstream>

namespace {

std::string firstLine(const std::string &path)
{
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

// This process's cgroup as the pids controller sees it, and the directory of its files:
// v1 "N:pids:/path" under /sys/fs/cgroup/pids, else v2 "0::/path" under /sys/fs/cgroup (or the
// hybrid layout's /sys/fs/cgroup/unified). Empty if neither is found.
std::pair<std::string, std::string> pidsCgroup()
{
    std::ifstream file("/proc/self/cgroup");
    std::string line, unified;
    while (std::getline(file, line)) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        const std::string path = line.substr(second + 1);
        if (controllers == "pids" || controllers.find("pids,") != std::string::npos ||
            controllers.find(",pids") != std::string::npos)
            return {path, "/sys/fs/cgroup/pids"};
        if (controllers.empty())
            unified = path;
    }
    if (unified.empty())
        return {};
    for (const char *root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
        if (std::ifstream(std::string(root) + unified + "/pids.max"))
            return {unified, root};
    return {};
}

} // namespace

std::string taskLimitMessage(const std::string &what)
{
    const std::string generic = what + " (a limit on tasks is reached: the cgroup's pids.max, systemd's TasksMax=, or "
                                       "the user's process limit, ulimit -u); raise it, or end other processes";
    auto [path, root] = pidsCgroup();
    // The limit that bites may be set on any cgroup above this one: name the first one that is
    // full (stoull of "0" + digits: a file we could not read counts as 0).
    while (!root.empty()) {
        const std::string dir = root + (path == "/" ? "" : path);
        const std::string max = firstLine(dir + "/pids.max");
        const std::string current = firstLine(dir + "/pids.current");
        if (!max.empty() && max != "max" && !current.empty() && std::stoull("0" + current) >= std::stoull("0" + max)) {
            std::ostringstream text;
            text << what << " (cgroup " << path << " is at its task limit: pids.max " << max << ", " << current
                 << " tasks; systemd sets it with TasksMax=); raise that limit, or end other processes in the cgroup";
            return text.str();
        }
        if (path.empty() || path == "/")
            break;
        const auto slash = path.rfind('/');
        path = slash == 0 ? "/" : path.substr(0, slash);
    }
    return generic;
}
