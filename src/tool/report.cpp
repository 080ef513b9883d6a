#include "report.h"

#include "printable.h"
#include "remedy_text.h"

#include <cstdio>
#include <cstdlib>

int reportError(const std::string &tool, const shmtools::Error &error)
{
    // resolveTempDir() has put the directory the key files are in back into the environment.
    const char *tempDir = std::getenv("TMPDIR");
    const std::string remedy = remedyText(tool, error, tempDir && *tempDir ? tempDir : "/tmp");
    const std::string line = remedy.empty() ? error.message : error.message + "; " + remedy;
    std::fprintf(stderr, "%s: %s\n", tool.c_str(), printable(line).c_str());
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
