#include "sys/interrupt.h"

#include <shmtools/interrupt.h>

namespace shmtools {

void installInterruptHandlers()
{
    ::installInterruptHandlers();
}

int interruptSignal()
{
    return ::interruptSignal();
}

} // namespace shmtools
