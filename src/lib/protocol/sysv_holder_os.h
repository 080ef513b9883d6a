// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol/holder_os.h"
#include "protocol/sysv_protocol_os.h"

#include <memory>
#include <optional>
#include <vector>

namespace shmtools::detail {

/// The real HolderOs: Qt's System V semaphore and segment under the key, this process's OFD lock
/// as its participant record. Its SysvProtocolOs is what the holder's housekeeping repairs.
class SysvHolderOs final : public HolderOs {
public:
    Status openSemaphore(const IpcNames &names, const KeyFile &keyFile, bool *made) override;
    void removeSemaphore() override;
    void removeSemaphoreIfNeverUsed() override;
    Result<ProtocolOs *> participate(const IpcNames &names, const KeyFile &segmentKeyFile) override;
    bool markHolder(bool raw) override;
    std::optional<ListedSegment> findLiveHolder(const IpcNames &names) override;
    Result<int> findSegment(const IpcNames &names) override;
    Result<SegmentStatus> statSegment(int shmid, const IpcNames &names) override;
    bool segmentExists(key_t key) override;
    bool semaphoreExists(key_t key) override;
    std::vector<layout::KeyIdentity> recordedIdentities() override;
    NewSegment createSegmentExclusive(key_t key, std::uint64_t size) override;
    Result<unsigned char *> attach(int shmid, std::uint64_t size, const IpcNames &names) override;
    Result<Mapped> mapSegment(const IpcNames &names) override;
    std::optional<std::uint64_t> segmentBytesInUse(int shmid) override;
    bool copySegmentStart(int shmid, void *out, std::size_t bytes) override;
    void removeSegment(int shmid) override;

private:
    // Declared so that they go in the order the holder always let them go: the participant
    // record and the semaphore first, the mappings last.
    std::vector<SegmentMapping> m_mappings;
    std::optional<Semaphore> m_semaphore; ///< until participate() hands it to m_os
    std::unique_ptr<SysvProtocolOs> m_os;
};

} // namespace shmtools::detail
