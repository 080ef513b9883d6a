// SPDX-License-Identifier: BSD-3-Clause
#include "sys/ipc_names.h"

#include "support/catch_compat.h"
#include <QCryptographicHash>
#include <cstdlib>

using namespace shmtools::detail;
using shmtools::ErrorCode;

TEST_CASE("key files follow Qt's derivation: letters of the key plus its SHA-1", "[ipc_names]")
{
    const auto names = ipcNamesFor("fileloader_shm_key");
    REQUIRE(names.ok());
    const std::string sha1 =
        QCryptographicHash::hash("fileloader_shm_key", QCryptographicHash::Sha1).toHex().toStdString();
    CHECK(names->segmentKeyFile == names->tempDir + "/qipc_sharedmemory_fileloadershmkey" + sha1);
    CHECK(names->semaphoreKeyFile == names->tempDir + "/qipc_systemsem_fileloadershmkey" + sha1);
}

TEST_CASE("TMPDIR decides where the key files are", "[ipc_names]")
{
    const char *previous = std::getenv("TMPDIR");
    const std::string saved = previous ? previous : "";
    ::setenv("TMPDIR", "/var/tmp", 1);
    const auto names = ipcNamesFor("k");
    previous ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
    REQUIRE(names.ok());
    CHECK(names->tempDir == "/var/tmp");
    CHECK(names->segmentKeyFile.rfind("/var/tmp/qipc_sharedmemory_k", 0) == 0);
}

TEST_CASE("keys that cannot name a key file are usage errors", "[ipc_names]")
{
    SECTION("empty")
    {
        const auto names = ipcNamesFor("");
        REQUIRE_FALSE(names.ok());
        CHECK(names.error().code == ErrorCode::Usage);
        CHECK_THAT(names.error().message, Catch::Matchers::ContainsSubstring("empty"));
    }
    SECTION("too long for a file name")
    {
        const auto names = ipcNamesFor(std::string(300, 'a'));
        REQUIRE_FALSE(names.ok());
        CHECK(names.error().code == ErrorCode::Usage);
        CHECK_THAT(names.error().message, Catch::Matchers::ContainsSubstring("too long"));
    }
    SECTION("long keys of non-letters are fine: only letters enter the file name")
    {
        CHECK(ipcNamesFor(std::string(300, '-')).ok());
    }
}
