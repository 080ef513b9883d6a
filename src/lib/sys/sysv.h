// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The System V objects behind a key, one header per mechanism; this one includes them all.

#include "sys/key_file.h"
#include "sys/semaphore.h"
#include "sys/shm_segment.h"

namespace shmtools::detail {

} // namespace shmtools::detail
