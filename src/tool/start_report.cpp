// SPDX-License-Identifier: BSD-3-Clause
#include "start_report.h"

#include <cstdint>
#include <cstring>

namespace {

// Both ends are the same binary on the same machine: native byte order and layout.
struct Header {
    std::uint32_t magic;
    std::int32_t ready;
    std::int32_t code;
    std::int32_t remedy;
    std::int32_t pid;
    std::uint32_t keyLength;
    std::uint32_t textLength;
};
constexpr std::uint32_t kMagic = 0x53484d31; // "SHM1"

} // namespace

std::string encodeStartReport(const StartReport &report)
{
    const std::string &text = report.ready ? report.readyMessage : report.error.message;
    const std::string key = report.ready ? std::string() : report.error.key;
    const Header header{kMagic,
                        report.ready ? 1 : 0,
                        static_cast<std::int32_t>(report.error.code),
                        static_cast<std::int32_t>(report.error.remedy),
                        static_cast<std::int32_t>(report.error.pid),
                        static_cast<std::uint32_t>(key.size()),
                        static_cast<std::uint32_t>(text.size())};
    std::string bytes(sizeof header, '\0');
    std::memcpy(bytes.data(), &header, sizeof header);
    return bytes + key + text;
}

std::optional<StartReport> decodeStartReport(std::string_view bytes)
{
    Header header{};
    if (bytes.size() < sizeof header)
        return std::nullopt;
    std::memcpy(&header, bytes.data(), sizeof header);
    bytes.remove_prefix(sizeof header);
    if (header.magic != kMagic || header.ready < 0 || header.ready > 1 ||
        bytes.size() != std::uint64_t{header.keyLength} + header.textLength)
        return std::nullopt;
    StartReport report;
    report.ready = header.ready == 1;
    const std::string key(bytes.substr(0, header.keyLength));
    std::string text(bytes.substr(header.keyLength));
    if (report.ready)
        report.readyMessage = std::move(text);
    else
        report.error = shmtools::Error{static_cast<shmtools::ErrorCode>(header.code), std::move(text), key,
                                       static_cast<pid_t>(header.pid), static_cast<shmtools::Remedy>(header.remedy)};
    return report;
}
