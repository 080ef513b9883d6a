// SPDX-License-Identifier: BSD-3-Clause
// The floor for any Qt tool: links Qt6Core, calls into it once (so --as-needed keeps the
// library) and exits. scripts/bench.sh compares the shm-tools start-up against two runs of it.
#include <QtGlobal>

int main()
{
    return qVersion()[0] == '\0';
}
