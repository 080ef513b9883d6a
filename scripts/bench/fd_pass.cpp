// The experiment of issue 11, for scripts/bench.sh: instead of mapping the segment, a reader hands
// its standard output to the holder over a Unix socket (SCM_RIGHTS), and the holder, whose mapping
// is populated once and stays so, verifies the version and writes it straight into that
// descriptor; a loader hands over its input the same way. A prototype to measure the transport,
// not a product: one version, no header, no pins, no lock, no timeouts.
//
//   fd_pass serve SOCKET BYTES FILE   hold a System V segment (IPC_PRIVATE, removed at once) of
//                                     2 x BYTES, slot 0 loaded with FILE; serve until SIGTERM,
//                                     one thread per connection
//   fd_pass read SOCKET               have the holder write the version to our stdout
//   fd_pass load SOCKET FILE          have the holder read FILE (opened here) into slot 1
//
// Each request: connect, SO_PEERCRED on the holder's side (same uid or refused), one byte ('r'
// or 'l') carrying the descriptor; the reply is one byte, 0 for success. The client links Qt6Core
// (see bench.sh) so that its start-up costs what shm-read's and shm-load's does.
#include "format/checksum.h"
#include "sys/huge_pages.h"

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

unsigned char *g_slots = nullptr;
std::uint64_t g_capacity = 0, g_length = 0, g_checksum = 0;

// The socket's address; exits if `path` does not fit (a cut name would bind another file).
sockaddr_un addressOf(const char *path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::strlen(path) >= sizeof address.sun_path) {
        std::fprintf(stderr, "fd_pass: socket path longer than %zu bytes: %s\n", sizeof address.sun_path - 1, path);
        std::exit(2);
    }
    std::memcpy(address.sun_path, path, std::strlen(path) + 1);
    return address;
}

bool writeAll(int fd, const unsigned char *data, std::uint64_t length)
{
    std::uint64_t done = 0;
    while (done < length) {
        const ssize_t n = ::write(fd, data + done, std::min<std::uint64_t>(length - done, 1 << 20));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += std::uint64_t(n);
    }
    return true;
}

// The holder's side of one request.
void serveOne(int connection)
{
    ucred peer{};
    socklen_t peerLength = sizeof peer;
    char op = 0;
    int fd = -1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    iovec iov{&op, 1};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    unsigned char result = 1;
    if (::getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &peerLength) == 0 && peer.uid == ::geteuid() &&
        ::recvmsg(connection, &message, MSG_CMSG_CLOEXEC) == 1) {
        if (cmsghdr *c = CMSG_FIRSTHDR(&message); c && c->cmsg_type == SCM_RIGHTS)
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    }
    if (fd >= 0 && op == 'r') {
        // As shm-read: verify the whole version before writing a byte.
        if (Checksum::of(g_slots, g_length) == g_checksum) {
            // Best effort, as shm-read does for a pipe.
            ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
            result = writeAll(fd, g_slots, g_length) ? 0 : 1;
        }
    } else if (fd >= 0 && op == 'l') {
        // As shm-load: read 256 KiB at a time into the free slot, hashing each chunk.
        unsigned char *slot = g_slots + g_capacity;
        Checksum checksum;
        std::uint64_t total = 0;
        for (;;) {
            const ssize_t n = ::read(fd, slot + total, std::min<std::uint64_t>(256 << 10, g_capacity - total));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                break;
            if (n == 0) {
                result = 0;
                break;
            }
            checksum.update(slot + total, std::size_t(n));
            total += std::uint64_t(n);
            if (total == g_capacity) {
                result = 0;
                break;
            }
        }
        (void)checksum.digest();
    }
    if (fd >= 0)
        ::close(fd); // before replying: the reader's consumer must see EOF when the reader exits
    ::send(connection, &result, 1, MSG_NOSIGNAL);
    ::close(connection);
}

int serve(const char *path, std::uint64_t bytes, const char *file)
{
    g_capacity = (bytes + 4095) / 4096 * 4096;
    const int shmid = ::shmget(IPC_PRIVATE, 2 * g_capacity, IPC_CREAT | 0600);
    if (shmid == -1)
        return std::perror("fd_pass: shmget"), 1;
    void *address = attachSegmentMemory(shmid, 2 * g_capacity);
    ::shmctl(shmid, IPC_RMID, nullptr);
    if (address == reinterpret_cast<void *>(-1))
        return std::perror("fd_pass: shmat"), 1;
    g_slots = static_cast<unsigned char *>(address);
    // Populated once (as a serving holder would, per version), both slots.
    ::madvise(g_slots, 2 * g_capacity, MADV_POPULATE_WRITE);
    const int in = ::open(file, O_RDONLY);
    if (in < 0)
        return std::perror(file), 1;
    for (ssize_t n; (n = ::read(in, g_slots + g_length, g_capacity - g_length)) > 0;)
        g_length += std::uint64_t(n);
    ::close(in);
    g_checksum = Checksum::of(g_slots, g_length);

    const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_un address_ = addressOf(path);
    ::unlink(path);
    if (::bind(listener, reinterpret_cast<const sockaddr *>(&address_), sizeof address_) != 0 ||
        ::listen(listener, 64) != 0)
        return std::perror("fd_pass: bind/listen"), 1;
    std::signal(SIGPIPE, SIG_IGN);
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) {
        const int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection >= 0)
            std::thread(serveOne, connection).detach();
    }
}

int request(const char *path, char op, int fd)
{
    const int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_un address = addressOf(path);
    if (::connect(s, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return std::perror("fd_pass: connect"), 3;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{&op, 1};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (::sendmsg(s, &message, MSG_NOSIGNAL) != 1)
        return std::perror("fd_pass: sendmsg"), 1;
    unsigned char result = 1;
    if (::recv(s, &result, 1, 0) != 1)
        return std::fprintf(stderr, "fd_pass: the holder went away\n"), 3;
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "serve" && argc == 5)
        return serve(argv[2], std::strtoull(argv[3], nullptr, 10), argv[4]);
    if (command == "read" && argc == 3)
        return request(argv[2], 'r', STDOUT_FILENO);
    if (command == "load" && argc == 4) {
        const int in = ::open(argv[3], O_RDONLY | O_CLOEXEC);
        if (in < 0)
            return std::perror(argv[3]), 5;
        return request(argv[2], 'l', in);
    }
    std::fprintf(stderr, "usage: fd_pass serve SOCKET BYTES FILE | read SOCKET | load SOCKET FILE\n");
    return 2;
}
