// SPDX-License-Identifier: BSD-3-Clause
// The record a background holder sends its starter (`shm-create -d`): typed, so that no key or
// message, however hostile, is parsed out of text.
#include "start_report.h"

#include "support/catch_compat.h"

#include <string>

using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::Remedy;

TEST_CASE("a failure crosses whole: code, remedy, PID, key and message", "[start_report]")
{
    // Keys that broke or could break a text format: spaces (the old format counted them), a
    // leading space, digits that look like fields, a newline, a NUL, an empty key.
    const std::string key = GENERATE(as<std::string>{}, "plain", " leading space", "12 34 5 x", "two\nlines",
                                     std::string("nul\0byte", 8), "");
    const std::string message = GENERATE(as<std::string>{}, "", "key held by PID 7; stop it", "0 ready-looking");
    StartReport sent;
    sent.error = Error{ErrorCode::KeyHeld, message, key, 4242, Remedy::StopHolderOrChooseAnotherKey};
    const auto received = decodeStartReport(encodeStartReport(sent));
    REQUIRE(received);
    CHECK_FALSE(received->ready);
    CHECK(received->error.code == ErrorCode::KeyHeld);
    CHECK(received->error.remedy == Remedy::StopHolderOrChooseAnotherKey);
    CHECK(received->error.pid == 4242);
    CHECK(received->error.key == key);
    CHECK(received->error.message == message);
}

TEST_CASE("readiness crosses with its message", "[start_report]")
{
    StartReport sent;
    sent.ready = true;
    sent.readyMessage = "demo: ready, capacity 16.0 MiB";
    const auto received = decodeStartReport(encodeStartReport(sent));
    REQUIRE(received);
    CHECK(received->ready);
    CHECK(received->readyMessage == sent.readyMessage);
}

TEST_CASE("anything but one whole record is refused", "[start_report]")
{
    StartReport sent;
    sent.error = Error{ErrorCode::Failure, "the message", "the key"};
    const std::string bytes = encodeStartReport(sent);
    // A child that died while writing, wrote twice, or wrote something else entirely.
    CHECK_FALSE(decodeStartReport(""));
    CHECK_FALSE(decodeStartReport(bytes.substr(0, 10)));
    CHECK_FALSE(decodeStartReport(bytes.substr(0, bytes.size() - 1)));
    CHECK_FALSE(decodeStartReport(bytes + "x"));
    CHECK_FALSE(decodeStartReport(bytes + bytes));
    CHECK_FALSE(decodeStartReport("1 0 0 3 key message of the old text format"));
}
