#pragma once

/// The exit-code table (shmtools::ErrorCode, error.h) as text, for the --help footer.
const char *exitCodeTable();
