// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

/// Resolves $TMPDIR (or /tmp if unset or empty), the directory of the key files, once: to an
/// absolute path without symbolic links, which is then put back into the environment, so that
/// Qt derives the key files from this very directory however the working directory changes
/// later (shm-create -d changes to /). Usage error, naming the directory, if it does not exist,
/// is not a directory, or is not searchable: Qt would otherwise silently fall back to "/". (One
/// that is not writable is left to the step that writes: Qt names it.)
shmtools::Status resolveTempDir();
