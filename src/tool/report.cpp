#include "report.h"

#include "printable.h"

#include <cstdio>

int reportError(const std::string &tool, const shmtools::Error &error)
{
    std::fprintf(stderr, "%s: %s\n", tool.c_str(), printable(error.message).c_str());
    return static_cast<int>(error.code);
}

void reportUsage(const std::string &tool, const std::string &problem)
{
    std::fprintf(stderr, "%s: %s; see '%s --help'\n", tool.c_str(), printable(problem).c_str(), tool.c_str());
}

void reportStatus(const std::string &tool, bool quiet, const std::string &message)
{
    if (!quiet)
        std::fprintf(stderr, "%s: %s\n", tool.c_str(), printable(message).c_str());
}
