#include "exit_code_table.h"

const char *exitCodeTable()
{
    return "Exit codes:\n"
           "  0    success\n"
           "  1    unexpected failure (the message says what)\n"
           "  2    usage error (unknown option, bad value, empty SHM_KEY, unusable TMPDIR)\n"
           "  3    no such segment, or its holder is not running\n"
           "  4    the key is held by another live shm-create\n"
           "  5    the input cannot be read\n"
           "  6    the content does not fit the segment's capacity\n"
           "  7    timed out\n"
           "  8    the segment's content is not valid (foreign format, incomplete, checksum)\n"
           "  9    refused for safety (segment not owned by this user, or open to others)\n"
           "  130  interrupted\n";
}
