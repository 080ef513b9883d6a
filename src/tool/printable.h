// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>
#include <string_view>

/// `text` made safe for a terminal or a log line: control characters (C0, DEL, C1), the line and
/// paragraph separators U+2028 and U+2029, the bidirectional formatting characters (U+202E...)
/// and bytes that are not valid UTF-8 become C-style escapes ("\n", "\t", "\x1b", "\u0085",
/// "\u2028"), and a backslash becomes "\\" so that escapes cannot be forged. Other UTF-8 passes
/// unchanged.
/// For every human-readable line that quotes a name the tools did not choose (keys, source
/// names, file names, TMPDIR); JSON output has its own escaping.
std::string printable(std::string_view text);

/// `json` (JSON text in UTF-8, as QJsonDocument writes it) with U+0085, U+2028 and U+2029 written
/// as "\u0085", "\u2028", "\u2029": the same value to every JSON parser, but no line break to a
/// consumer that splits JSON Lines with Python's str.splitlines() or parses them as JavaScript
/// before ES2019 did (QJsonDocument escapes only C0 controls). Never fails.
std::string withLineSeparatorsEscaped(std::string_view json);
