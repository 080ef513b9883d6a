// SPDX-License-Identifier: BSD-3-Clause
#include "printable.h"

#include <cstdio>

namespace {

// Length of the valid UTF-8 sequence at the start of `text` (shortest form, no surrogates,
// at most U+10FFFF), or 0 if it is not one.
std::size_t utf8SequenceLength(std::string_view text)
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
        return 0;
    }
    if (text.size() < length)
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return 0;
        code = code << 6 | (byte(i) & 0x3Fu);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return length;
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
        const std::size_t length = utf8SequenceLength(text.substr(i));
        if (length == 0) {
            out += hexEscape("\\x%02x", c);
            ++i;
            continue;
        }
        if (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) // C1: U+0080..U+009F
            out += hexEscape("\\u%04x", static_cast<unsigned char>(text[i + 1]));
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}
