#include "size_option.h"

#include <CLI/CLI.hpp>
#include <charconv>

shmtools::Result<std::uint64_t> parseSize(const std::string &text)
{
    const auto bad = [&](const std::string &why) {
        return shmtools::Error{shmtools::ErrorCode::Usage, "invalid size '" + text + "': " + why};
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
