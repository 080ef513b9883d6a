// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>
#include <string_view>

/// `text` made safe for a terminal or a log line: control characters (C0, DEL, C1) and bytes
/// that are not valid UTF-8 become C-style escapes ("\n", "\t", "\x1b", "\u0085"), and a
/// backslash becomes "\\" so that escapes cannot be forged. Printable UTF-8 passes unchanged.
/// For every human-readable line that quotes a name the tools did not choose (keys, source
/// names, file names, TMPDIR); JSON output has its own escaping.
std::string printable(std::string_view text);
