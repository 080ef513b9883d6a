#include "size_text.h"

#include <CLI/CLI.hpp>
#include <QLocale>
#include <charconv>
#include <cstdio>
#include <limits>

Result<std::uint64_t> parseSize(const std::string &text)
{
    const auto bad = [&](const std::string &why) {
        return makeError(ExitCode::Usage, "invalid size '" + text + "': " + why);
    };
    std::string converted = text;
    try {
        const std::string problem = CLI::AsSizeValue(false)(converted);
        if (!problem.empty())
            return bad(problem);
    } catch (const CLI::ValidationError &e) {
        return bad(std::string(e.what()) + " (use a whole number with K, M, G or T)");
    }
    // CLI11 passes plain numbers through unchecked, so negatives and overflow are caught here.
    std::uint64_t bytes = 0;
    const char *end = converted.data() + converted.size();
    const auto [stop, ec] = std::from_chars(converted.data(), end, bytes);
    if (ec == std::errc::result_out_of_range)
        return bad("too large");
    if (ec != std::errc() || stop != end)
        return bad("not a whole number of bytes (use e.g. 4096, 64K, 16M, 1G)");
    if (bytes == 0)
        return bad("must be at least 1 byte");
    return bytes;
}

std::string formatSize(std::uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    if (bytes > static_cast<std::uint64_t>(std::numeric_limits<qint64>::max())) {
        // Beyond what QLocale takes (qint64): only EiB can be meant.
        char text[32];
        std::snprintf(text, sizeof text, "%.1f EiB", static_cast<double>(bytes) / double(1ull << 60));
        return text;
    }
    return QLocale::c().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeIecFormat).toStdString();
}

std::string formatSeconds(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}
