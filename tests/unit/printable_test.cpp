// SPDX-License-Identifier: BSD-3-Clause
#include "printable.h"

#include "support/catch_compat.h"

TEST_CASE("printable passes printable text, UTF-8 included, unchanged", "[printable]")
{
    const std::string text = GENERATE(as<std::string>{}, "", "plain key", "/tmp/qipc_x", "grüße", "日本語", "😀 emoji",
                                      "\xc2\xa0",     // U+00A0, the first printable character after C1
                                      "\xe2\x80\xa7", // U+2027, just before the line separator
                                      "\xe2\x80\xaf", // U+202F, just after the bidi embeddings
                                      "\xe2\x81\xa5", // U+2065, just before the bidi isolates
                                      "\xd8\xb9");    // U+0639, an Arabic letter: only U+061C is a mark
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
        {"a\xe2\x80\xa8"
         "b",
         "a\\u2028b"}, // LINE SEPARATOR: a new line to editors, log viewers, JavaScript
        {"a\xe2\x80\xa9"
         "b",
         "a\\u2029b"}, // PARAGRAPH SEPARATOR, the same
        {"a\xc2\x85"
         "b",
         "a\\u0085b"}, // NEL, a C1 control: a line break to some terminals
        {"\xe2\x80\xae"
         "fdp.exe",
         "\\u202efdp.exe"},                                            // RLO: shown as "exe.pdf" ("Trojan Source")
        {"\xe2\x80\xaa\xe2\x80\xac", "\\u202a\\u202c"},                // LRE and PDF, the embeddings
        {"\xe2\x81\xa6\xe2\x81\xa9", "\\u2066\\u2069"},                // LRI and PDI, the isolates
        {"\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c"}, // LRM, RLM, ALM: invisible marks
    }));
    CAPTURE(escaped);
    CHECK(printable(text) == escaped);
}

TEST_CASE("JSON text keeps its value and loses the line separators a line splitter would cut at", "[printable][json]")
{
    const auto [json, escaped] = GENERATE(table<std::string, std::string>({
        {R"({"key":"plain"})", R"({"key":"plain"})"},
        {"{\"key\":\"a\xe2\x80\xa8"
         "b\xe2\x80\xa9"
         "c\xc2\x85"
         "d\"}",
         R"({"key":"a\u2028b\u2029c\u0085d"})"},
        // Other characters pass unchanged, those whose encodings share bytes with them included.
        {"{\"key\":\"\xe2\x80\xa7\xc2\xa0\xc3\x85\xe6\x97\xa5\"}",
         "{\"key\":\"\xe2\x80\xa7\xc2\xa0\xc3\x85\xe6\x97\xa5\"}"},
    }));
    CAPTURE(json);
    CHECK(withLineSeparatorsEscaped(json) == escaped);
}
