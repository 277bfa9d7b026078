// The write-ahead log: segments of checksummed records, one record per Append. Constants only;
// WalWriter appends, ReadWalSegment reads. docs/storage.md "Write-ahead log".
//
//   segment header (32 bytes)  magic "PRMTWAL\0" 8 · version u32 · reserved u32 ·
//                              first LSN u64 · XXH3 of the previous 24 bytes u64
//   record                     length u32 (payload bytes) · type u8 · LSN u64 ·
//                              XXH3 of type, LSN and payload u64 · payload
//   commit payload (type 1)    varint checkpoint count, per checkpoint: key (varint len,
//                              bytes), blob (varint len, bytes); then the events as one
//                              columnar batch (row_set_codec.h)
//
// Segments are named by their first LSN, 20 digits: "00000000000000000001.wal".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace perimeter::store {

constexpr std::string_view kWalMagic{"PRMTWAL\0", 8};
constexpr uint32_t kWalVersion = 1;
constexpr size_t kWalHeaderBytes = 32;
constexpr size_t kWalRecordHeaderBytes = 4 + 1 + 8 + 8;
constexpr uint8_t kWalRecordCommit = 1;
// A record bigger than this is damage: Append batches are a few MB at most, and the bound keeps
// a torn length field from making the reader allocate gigabytes.
constexpr uint32_t kMaxWalRecordBytes = 256u << 20;
constexpr std::string_view kWalSuffix = ".wal";

}  // namespace perimeter::store
