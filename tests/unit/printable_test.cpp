// SPDX-License-Identifier: BSD-3-Clause
#include "printable.h"

#include "support/catch_compat.h"

TEST_CASE("printable passes printable text, UTF-8 included, unchanged", "[printable]")
{
    const std::string text = GENERATE(as<std::string>{}, "", "plain key", "/tmp/qipc_x", "grüße", "日本語", "😀 emoji",
                                      "\xc2\xa0"); // U+00A0, the first printable character after C1
    CHECK(printable(text) == text);
}

TEST_CASE("printable escapes what could forge lines or drive a terminal", "[printable]")
{
    const auto [text, escaped] = GENERATE(table<std::string, std::string>({
        {"a\nb", "a\\nb"},       // a forged second line
        {"\r\t", "\\r\\t"},      // carriage return overwrites the line
        {"\x1b[2J", "\\x1b[2J"}, // ESC: terminal control sequences
        {std::string("\0", 1), "\\x00"},
        {"\x7f", "\\x7f"}, // DEL
        {"\xc2\x9b"
         "31m",
         "\\u009b31m"},                      // C1 CSI: a one-character escape sequence
        {"\xff", "\\xff"},                   // never valid UTF-8
        {"\xc3", "\\xc3"},                   // a truncated sequence
        {"\xc0\xaf", "\\xc0\\xaf"},          // an overlong '/'
        {"\xed\xa0\x80", "\\xed\\xa0\\x80"}, // a UTF-16 surrogate
        {"back\\slash", "back\\\\slash"},    // so that "\\n" in a name cannot pass for an escape
    }));
    CAPTURE(escaped);
    CHECK(printable(text) == escaped);
}
