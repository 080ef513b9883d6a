// SPDX-License-Identifier: BSD-3-Clause
#define CATCH_CONFIG_RUNNER
#include "support/catch_compat.h"

#include "support/process_support.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    // Some Qt classes the tests use (QProcess, QTemporaryDir's name source) want an application
    // object; the subreaper bit must be set before the first holder detaches.
    QCoreApplication app(argc, argv);
    shmtest::initProcessSupport();
    return Catch::Session().run(argc, argv);
}
