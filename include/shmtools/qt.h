// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Qt conveniences: QByteArray and QString in, QByteArray out. Header-only, so libshmtools itself
// does not depend on the consumer's Qt; include it only in programs that link Qt6::Core.

#include <shmtools/holder.h>
#include <shmtools/raw.h>
#include <shmtools/segment.h>

#include <QByteArray>
#include <QString>

namespace shmtools {

/// The bytes of `content`, not copied: `content` must outlive the load.
inline Input bytesOf(const QByteArray &content, const QString &name = QStringLiteral("memory"))
{
    return Input::bytes(std::string_view(content.constData(), std::size_t(content.size())), name.toStdString());
}

/// Opens the segment under a QString key. Fails as Segment::open.
inline Result<Segment> openSegment(const QString &key, const OpenOptions &options = {})
{
    return Segment::open(key.toStdString(), options);
}

/// Loads `content` as the next version. Fails as Segment::load.
inline Result<VersionInfo> load(Segment &segment, const QByteArray &content, const LoadOptions &options = {})
{
    return segment.load(bytesOf(content), options);
}

/// The latest version's content into `content` (replaced; empty if never loaded). Fails as
/// Segment::read; `content` is left empty on failure.
inline Result<VersionInfo> read(Segment &segment, QByteArray &content)
{
    content.clear();
    return segment.read([&](const VersionInfo &, std::span<const std::byte> bytes) {
        content = QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
    });
}

} // namespace shmtools
