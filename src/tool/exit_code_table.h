#pragma once

/// The exit-code table (exit_code.h) as text, for the --help footer.
const char *exitCodeTable();
