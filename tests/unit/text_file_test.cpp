// SPDX-License-Identifier: BSD-3-Clause
// Small kernel text files read whole (sys/text_file): every byte of a file larger than one read,
// an empty file, /proc files (which claim no size), and nullopt for what cannot be read, with no
// descriptor left open either way.
#include "sys/text_file.h"

#include "unit_support.h"

#include <QTemporaryDir>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace shmtools::detail;
using unit::openDescriptors;

TEST_CASE("text file: the whole content, NULs included, however many reads it takes", "[text_file]")
{
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/file";
    std::string content(3 * 8192 + 5, '\0'); // several of its 8 KiB reads, and a short last one
    for (std::size_t i = 0; i < content.size(); ++i)
        content[i] = static_cast<char>(i % 251);
    std::ofstream(path, std::ios::binary) << content;
    const int before = openDescriptors();
    CHECK(readTextFile(path.c_str()) == content);
    CHECK(openDescriptors() == before);
}

TEST_CASE("text file: an empty file is an empty text, not a failure", "[text_file]")
{
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/empty";
    std::ofstream(path).flush();
    CHECK(readTextFile(path.c_str()) == std::optional<std::string>(""));
}

TEST_CASE("text file: a /proc file, whose size says 0, is read whole", "[text_file]")
{
    const auto status = readTextFile("/proc/self/status");
    REQUIRE(status);
    CHECK(status->rfind("Name:", 0) == 0);
    CHECK(status->find("\nPid:\t" + std::to_string(::getpid()) + "\n") != std::string::npos);
    CHECK(status->back() == '\n');
}

TEST_CASE("text file: what cannot be opened or read is nullopt, and no descriptor stays open", "[text_file]")
{
    QTemporaryDir dir;
    const int before = openDescriptors();
    CHECK_FALSE(readTextFile((dir.path().toStdString() + "/missing").c_str()));
    CHECK_FALSE(readTextFile(dir.path().toUtf8().constData())); // opens, but read() says EISDIR
    CHECK(openDescriptors() == before);
}
