// SPDX-License-Identifier: BSD-3-Clause
#include "support/cli_support.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cctype>
#include <cstdio>
#include <stdexcept>

// Header-only use, as the project itself does: no link dependency for the tests.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace shmtest {

ProcessResult loadStdin(const std::string &key, const std::string &bytes, const std::vector<std::string> &extra)
{
    std::vector<std::string> args{"-k", key};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("-");
    RunOptions options;
    options.stdinData = bytes;
    return run(Tool::Load, args, options);
}

ProcessResult loadFile(const std::string &key, const std::string &path, const std::vector<std::string> &extra)
{
    std::vector<std::string> args{"-k", key};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(path);
    return run(Tool::Load, args);
}

ProcessResult readContent(const std::string &key, const std::vector<std::string> &extra)
{
    std::vector<std::string> args{"-k", key};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(Tool::Read, args);
}

QJsonObject readJson(const std::string &key)
{
    const ProcessResult result = readContent(key, {"--json"});
    if (!result.exited(0))
        throw std::runtime_error("shm-read --json failed:\n" + describe(result));
    QJsonParseError error;
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray(result.out.data(), static_cast<qsizetype>(result.out.size())), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        throw std::runtime_error("shm-read --json printed no JSON object (" + error.errorString().toStdString() +
                                 "):\n" + describe(result));
    return document.object();
}

std::string xxh3Text(std::string_view bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "xxh3:%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
    return text;
}

bool containsWord(std::string_view text, std::string_view word)
{
    const auto glued = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
        const bool freeBefore = at == 0 || !glued(text[at - 1]);
        const size_t end = at + word.size();
        const bool freeAfter = end == text.size() || !glued(text[end]);
        if (freeBefore && freeAfter)
            return true;
    }
    return false;
}

bool isOneLine(std::string_view text)
{
    return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

} // namespace shmtest
