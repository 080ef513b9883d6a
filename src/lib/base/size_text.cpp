// SPDX-License-Identifier: BSD-3-Clause
#include "base/size_text.h"

#include <QLocale>
#include <cstdio>
#include <limits>

namespace shmtools::detail {

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

} // namespace shmtools::detail
