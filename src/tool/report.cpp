// SPDX-License-Identifier: BSD-3-Clause
#include "report.h"

#include "printable.h"
#include "remedy_text.h"
#include "report_channel.h"

#include <cstdlib>

namespace {
std::string g_key;
} // namespace

void setReportKey(const std::string &key)
{
    g_key = key;
}

int reportError(const std::string &tool, const shmtools::Error &error)
{
    // resolveTempDir() has put the directory the key files are in back into the environment.
    const char *tempDir = std::getenv("TMPDIR");
    const std::string remedy = remedyText(tool, error, tempDir && *tempDir ? tempDir : "/tmp");
    std::string line = remedy.empty() ? error.message : error.message + "; " + remedy;
    if (!g_key.empty() && line.rfind(g_key + ": ", 0) != 0)
        line = g_key + ": " + line;
    writeReport(tool + ": " + printable(line) + "\n");
    return static_cast<int>(error.code);
}

void reportUsage(const std::string &tool, const std::string &problem)
{
    writeReport(tool + ": " + printable(problem) + "; see '" + tool + " --help'\n");
}

void reportStatus(const std::string &tool, bool quiet, const std::string &message)
{
    if (!quiet)
        writeReport(tool + ": " + printable(message) + "\n");
}
