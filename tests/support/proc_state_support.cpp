// SPDX-License-Identifier: BSD-3-Clause
#include "support/proc_state_support.h"

#include "support/process_support.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace shmtest {

std::string wchanOf(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/wchan");
    std::string name;
    std::getline(file, name);
    return name == "0" ? std::string() : name;
}

bool sleepsIn(pid_t pid, const std::vector<std::string> &needles)
{
    const std::string wchan = wchanOf(pid);
    for (const std::string &needle : needles)
        if (!wchan.empty() && wchan.find(needle) != std::string::npos)
            return true;
    return false;
}

bool waitUntilSleepingIn(pid_t pid, const std::vector<std::string> &needles, double timeoutSeconds)
{
    const double deadline = now() + timeoutSeconds;
    while (now() < deadline) {
        if (sleepsIn(pid, needles))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

std::vector<pid_t> childrenOf(pid_t pid)
{
    const std::string id = std::to_string(pid);
    std::ifstream file("/proc/" + id + "/task/" + id + "/children");
    std::vector<pid_t> children;
    for (pid_t child; file >> child;)
        children.push_back(child);
    return children;
}

} // namespace shmtest
