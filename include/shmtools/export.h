// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Marks the public API of libshmtools. The library is built with -fvisibility=hidden and a
// version script, so only what is declared with this macro is exported (Linux only, as the
// System V protocol is).
#define SHMTOOLS_EXPORT __attribute__((visibility("default")))
