// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The whole public API of libshmtools (std types only; the QByteArray overloads are in
// <shmtools/qt.h>). Link with ShmTools::shmtools (CMake) or `pkg-config --libs shmtools`.

#include <shmtools/error.h>
#include <shmtools/holder.h>
#include <shmtools/input.h>
#include <shmtools/interrupt.h>
#include <shmtools/listing.h>
#include <shmtools/raw.h>
#include <shmtools/segment.h>
