// SPDX-License-Identifier: BSD-3-Clause
#include "printable.h"

#include <cstdio>

namespace {

struct Utf8Sequence {
    std::size_t length = 0; ///< 0: not valid UTF-8
    unsigned code = 0;
};

// The valid UTF-8 sequence at the start of `text` (shortest form, no surrogates, at most
// U+10FFFF), or length 0 if it is not one.
Utf8Sequence utf8Sequence(std::string_view text)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length;
    unsigned min;
    unsigned code;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, min = 0x80, code = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, min = 0x800, code = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, min = 0x10000, code = lead & 0x07u;
    } else {
        return {};
    }
    if (text.size() < length)
        return {};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return {};
        code = code << 6 | (byte(i) & 0x3Fu);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return {};
    return {length, code};
}

// Valid characters that still break or rearrange the line a name is shown in: the C1 controls
// (U+0085 NEL is a line break to some terminals and log viewers, U+009B CSI starts a terminal
// escape sequence); the line and paragraph separators U+2028 and U+2029 (a new line to editors,
// browsers, JavaScript and Python's str.splitlines()); and the bidirectional formatting
// characters of Unicode's UAX #9 (ALM, LRM, RLM, LRE..RLO, LRI..PDI), which reorder what a line
// shows, so that a name could pass for another ("Trojan Source", CVE-2021-42574; the set GCC's
// -Wbidi-chars warns about).
bool breaksTheLine(unsigned code)
{
    return (code >= 0x80 && code <= 0x9F) || code == 0x2028 || code == 0x2029 || code == 0x061C || code == 0x200E ||
           code == 0x200F || (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

std::string hexEscape(const char *format, unsigned value)
{
    char text[8];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

} // namespace

std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            if (c == '\\')
                out += '\\';
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        switch (c) {
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        default: break;
        }
        if (c < 0x80) { // the other C0 controls and DEL
            out += hexEscape("\\x%02x", c);
            ++i;
            continue;
        }
        const Utf8Sequence sequence = utf8Sequence(text.substr(i));
        if (sequence.length == 0) {
            out += hexEscape("\\x%02x", c);
            ++i;
            continue;
        }
        if (breaksTheLine(sequence.code))
            out += hexEscape("\\u%04x", sequence.code);
        else
            out.append(text.substr(i, sequence.length));
        i += sequence.length;
    }
    return out;
}

std::string withLineSeparatorsEscaped(std::string_view json)
{
    // Outside strings JSON is ASCII, and in valid UTF-8 these byte sequences are never part of
    // another character: replacing them where they occur escapes exactly those characters.
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size();) {
        const Utf8Sequence sequence = utf8Sequence(json.substr(i));
        if (sequence.code == 0x85 || sequence.code == 0x2028 || sequence.code == 0x2029) {
            out += hexEscape("\\u%04x", sequence.code);
            i += sequence.length;
        } else {
            out += json[i++];
        }
    }
    return out;
}
