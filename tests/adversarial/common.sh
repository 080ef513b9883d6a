# shellcheck shell=bash
# The benchmark's cases (73-76, moving to tests/benchmark/ with the new benchmark) source the
# shared prelude from here: it lives in tests/support/common.sh.
# shellcheck source=../support/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/common.sh"
