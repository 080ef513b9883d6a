// SPDX-License-Identifier: BSD-3-Clause
// hostile_peer: a same-user (or, under runuser, another user's) process that does to the System V
// objects what shm-tools must survive: holds or leaks the lock, scribbles on the segment, opens its
// mode, plants objects under a key file's key. The adversarial shell tests run it as a real process.
//
//   hostile_peer hold SEMID SECONDS      take the lock (with SEM_UNDO), print "held", keep it SECONDS
//   hostile_peer take SEMID [SECONDS]    take the lock without SEM_UNDO (print "taken", stay SECONDS)
//                                        and exit: the lock stays at 0
//   hostile_peer poke SHMID OFFSET BYTE  write one byte into the segment
//   hostile_peer peek SHMID OFFSET LEN   print LEN bytes of the segment in hex
//   hostile_peer mode SHMID OCTAL        set the segment's permission bits
//   hostile_peer plant FILE SIZE OCTAL   create a segment at ftok(FILE, 'Q'), print its id
//   hostile_peer plantsem FILE OCTAL     create a semaphore (value 1) at ftok(FILE, 'Q'), print its id
//
// Numbers take C prefixes (0x..). Exit codes: 0 ok, 1 failure (perror on stderr), 2 usage,
// 3 plant or plantsem found the key taken (by an object whose key file's inode collides: ftok).

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

namespace {

long number(const char *text, int base = 0)
{
    return std::strtol(text, nullptr, base);
}

int failWith(const char *what)
{
    std::perror(what);
    return 1;
}

// A plant's key already in use: exit 3, so that the caller can make its key file anew and retry.
int failPlanting(const char *what)
{
    const bool taken = errno == EEXIST;
    failWith(what);
    return taken ? 3 : 1;
}

int lock(const char *semid, short flags)
{
    sembuf take{0, -1, flags};
    return semop(static_cast<int>(number(semid)), &take, 1) == 0 ? 0 : failWith("semop");
}

template <typename Byte>
Byte *attach(const char *shmid, int flags)
{
    void *address = shmat(static_cast<int>(number(shmid)), nullptr, flags);
    return address == reinterpret_cast<void *>(-1) ? nullptr : static_cast<Byte *>(address);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *command = argv[1];
    if (!std::strcmp(command, "hold") && argc == 4) {
        if (lock(argv[2], SEM_UNDO) != 0)
            return 1;
        std::puts("held");
        std::fflush(stdout);
        sleep(static_cast<unsigned>(number(argv[3])));
        return 0;
    }
    if (!std::strcmp(command, "take") && (argc == 3 || argc == 4)) {
        if (lock(argv[2], 0) != 0)
            return 1;
        std::puts("taken");
        std::fflush(stdout);
        if (argc == 4)
            sleep(static_cast<unsigned>(number(argv[3])));
        return 0;
    }
    if (!std::strcmp(command, "poke") && argc == 5) {
        auto *segment = attach<unsigned char>(argv[2], 0);
        if (!segment)
            return failWith("shmat");
        segment[number(argv[3])] = static_cast<unsigned char>(number(argv[4]));
        return 0;
    }
    if (!std::strcmp(command, "peek") && argc == 5) {
        const auto *segment = attach<const unsigned char>(argv[2], SHM_RDONLY);
        if (!segment)
            return failWith("shmat");
        const long offset = number(argv[3]);
        for (long i = 0; i < number(argv[4]); ++i)
            std::printf("%02x", segment[offset + i]);
        std::puts("");
        return 0;
    }
    if (!std::strcmp(command, "mode") && argc == 4) {
        const int shmid = static_cast<int>(number(argv[2]));
        shmid_ds ds{};
        if (shmctl(shmid, IPC_STAT, &ds) != 0)
            return failWith("shmctl(IPC_STAT)");
        ds.shm_perm.mode = static_cast<unsigned short>(number(argv[3], 8));
        return shmctl(shmid, IPC_SET, &ds) == 0 ? 0 : failWith("shmctl(IPC_SET)");
    }
    if (!std::strcmp(command, "plant") && argc == 5) {
        const int id = shmget(ftok(argv[2], 'Q'), static_cast<size_t>(number(argv[3])),
                              IPC_CREAT | IPC_EXCL | static_cast<int>(number(argv[4], 8)));
        if (id < 0)
            return failPlanting("shmget");
        std::printf("%d\n", id);
        return 0;
    }
    if (!std::strcmp(command, "plantsem") && argc == 4) {
        const int id = semget(ftok(argv[2], 'Q'), 1, IPC_CREAT | IPC_EXCL | static_cast<int>(number(argv[3], 8)));
        if (id < 0)
            return failPlanting("semget");
        if (semctl(id, 0, SETVAL, 1) != 0)
            return failWith("semctl(SETVAL)");
        std::printf("%d\n", id);
        return 0;
    }
    return 2;
}
