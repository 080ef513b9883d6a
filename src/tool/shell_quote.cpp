// SPDX-License-Identifier: BSD-3-Clause
#include "shell_quote.h"

#include <shmtools/segment.h>

#include <cstdlib>

std::string shellQuote(const std::string &word)
{
    static constexpr char kPlain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:/@%+=";
    if (!word.empty() && word.find_first_not_of(kPlain) == std::string::npos)
        return word;
    if (word.find_first_of("\"$`\\!") == std::string::npos)
        return '"' + word + '"';
    std::string quoted = "'";
    for (const char c : word)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string withKey(const std::string &command, const std::string &key)
{
    const char *fromEnvironment = std::getenv("SHM_KEY");
    if (key == shmtools::kDefaultKey && (fromEnvironment == nullptr || *fromEnvironment == '\0'))
        return command;
    return command + " -k " + shellQuote(key);
}
