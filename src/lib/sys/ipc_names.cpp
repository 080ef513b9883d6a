// SPDX-License-Identifier: BSD-3-Clause
#include "sys/ipc_names.h"

#include <QDir>
#include <QFileInfo>
#include <QSharedMemory>
#include <climits>

namespace shmtools::detail {

namespace {
constexpr char kSegmentPrefix[] = "qipc_sharedmemory_";
constexpr char kSemaphorePrefix[] = "qipc_systemsem_";
} // namespace

Result<IpcNames> ipcNamesFor(const std::string &key)
{
    if (key.empty())
        return makeError(ErrorCode::Usage, "the key is empty", Remedy::GiveKey);

    // Qt itself derives the segment's file (letters of the key plus its SHA-1); the semaphore's
    // file differs only in the prefix, and Qt has no public accessor for it.
    const QSharedMemory qt(QString::fromStdString(key));
    const QString segmentFile = qt.nativeKey();
    const QString fileName = QFileInfo(segmentFile).fileName();
    if (fileName.toUtf8().size() > NAME_MAX)
        return makeError(ErrorCode::Usage, "key too long (" + std::to_string(key.size()) +
                                              " characters): its Qt key file name would exceed " +
                                              std::to_string(NAME_MAX) + " bytes; use a shorter key");

    QString semaphoreName = fileName;
    semaphoreName.replace(0, int(sizeof kSegmentPrefix) - 1, QLatin1String(kSemaphorePrefix));
    const QString dir = QFileInfo(segmentFile).path();
    return IpcNames{key, segmentFile.toStdString(), (dir + u'/' + semaphoreName).toStdString(),
                    QDir::tempPath().toStdString()};
}

} // namespace shmtools::detail
