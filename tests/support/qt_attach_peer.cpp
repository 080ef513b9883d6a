// SPDX-License-Identifier: BSD-3-Clause
// qt_attach_peer: attaches to QSharedMemory(KEY) read-write with Qt's defaults, as a foreign Qt
// application would, and prints the text up to the first NUL followed by "|size=N" (Qt's view of
// the segment size). qt_peer reads read-only and does not report the size, which the adversarial
// interop tests check.
//
//   qt_attach_peer KEY     exit 0 ok, 3 attach failed, 4 lock failed, 2 usage

#include <QSharedMemory>
#include <QString>

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    QSharedMemory shm(QString::fromLocal8Bit(argv[1]));
    if (!shm.attach()) {
        std::fprintf(stderr, "qt_attach_peer: attach: %s\n", qPrintable(shm.errorString()));
        return 3;
    }
    if (!shm.lock()) {
        std::fprintf(stderr, "qt_attach_peer: lock: %s\n", qPrintable(shm.errorString()));
        return 4;
    }
    const auto *data = static_cast<const char *>(shm.constData());
    std::fwrite(data, 1, strnlen(data, static_cast<size_t>(shm.size())), stdout);
    std::printf("|size=%lld", static_cast<long long>(shm.size()));
    shm.unlock();
    shm.detach();
    return std::fflush(stdout) == 0 ? 0 : 1;
}
