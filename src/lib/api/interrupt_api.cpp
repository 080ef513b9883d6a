#include "sys/interrupt.h"
#include "sys/write_fully.h"

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

void restoreInheritedSignals()
{
    ::restoreInheritedSignals();
}

bool beginBlockingCall()
{
    return ::beginBlockingCall();
}

void endBlockingCall()
{
    ::endBlockingCall();
}

int writeAll(int fd, const void *data, std::size_t length)
{
    return ::writeFully(fd, data, length);
}

} // namespace shmtools
