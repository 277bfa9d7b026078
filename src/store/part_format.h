// The part file: an immutable, columnar, checksummed set of events of one UTC day. Constants
// only; PartWriter encodes, Part decodes. docs/storage.md "Parts" has the full description.
//
//   header   magic "PRMTPART" 8 · version u32 · low 32 bits of XXH3 of the previous 12 (u32)
//   frames   column blocks, dictionaries, token filters
//   footer   a frame: the metadata (ids, row groups, columns, block metadata; from version 2
//            a distinct sketch per column)
//   trailer  footer offset u64 · footer size u64 · magic "PRMTPEND" 8 · XXH3 of previous 24 u64
//
// Frame: codec u8 (0 raw, 1 zstd) · raw size u32 · body · XXH3 of everything before it (u64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace perimeter::store {

constexpr std::string_view kPartMagic = "PRMTPART";
constexpr std::string_view kPartTrailerMagic = "PRMTPEND";
// Version 2 adds the distinct sketches (the footer's last section and their frames) and writes
// codes into dictionaries of more than kByteCodeMaxEntries entries as 16-bit little-endian
// integers (version 1: varints); version 1 parts are still read (no sketches: distinct counts
// take the per-block path).
constexpr uint32_t kPartVersion = 2;
constexpr uint32_t kOldestPartVersion = 1;
constexpr size_t kPartHeaderBytes = 16;
constexpr size_t kPartTrailerBytes = 32;

constexpr size_t kFrameOverheadBytes = 1 + 4 + 8;
enum class FrameCodec : uint8_t { kRaw = 0, kZstd = 1 };
// zstd level 3: within 10% of level 9's size on our blocks at five times the speed.
constexpr int kZstdLevel = 3;
// Largest decoded frame: a row group of 65,536 long messages fits with room; a larger size
// field is damage, and bounding it keeps it from sizing an allocation.
constexpr uint32_t kMaxFrameRawBytes = 1u << 30;

// Rows per row group. Codes in a block index fit comfortably, a group of parsed firewall events
// decodes in a few milliseconds, and dictionaries amortize well over this many rows.
constexpr size_t kRowGroupRows = 65536;

// Column block encodings (footer "encoding" byte).
enum class BlockEncoding : uint8_t {
  kDict = 0,
  kDependent = 1,
  kInt = 2,
  kFloat = 3,
  kPlain = 4,
  kTemplate = 5,
  kSameAs = 6,  // every row holds the same value as the key column: nothing stored
};
constexpr uint8_t kMaxBlockEncoding = 6;
// Dictionaries this small code each row in one byte (zstd's entropy coder then does the rest);
// larger ones 16 bits (varints in format version 1).
constexpr size_t kByteCodeMaxEntries = 256;

// How dictionary entries (and decimal/IP string blocks) are written.
enum class ValueForm : uint8_t {
  kInt = 0,      // zz: ints, timestamps, bools
  kFloat = 1,    // 8 bytes
  kBytes = 2,    // varint length + bytes: strings, value blobs
  kDecimal = 3,  // zz: strings that are canonical decimal integers ("51955")
  kIp = 4,       // family bitmap, then 4 or 16 bytes each: canonical IP address strings
  kNull = 5,     // nothing
};
constexpr uint8_t kMaxValueForm = 5;

// Presence section of a data frame.
constexpr uint8_t kAllPresent = 0;
constexpr uint8_t kPresenceBitmap = 1;

// Template escapes in a message template: \0\0 a literal NUL, \0\1 a number slot,
// \0\2 varint column: the text of that column in the same row.
constexpr char kTemplateEscape = '\0';
constexpr char kTemplateLiteralNul = '\0';
constexpr char kTemplateNumber = '\1';
constexpr char kTemplateColumn = '\2';

// Longest digit run one number slot takes: 18 digits always fit an int64.
constexpr size_t kMaxSlotDigits = 18;

// Distinct sketch of a string column over the whole part: a HyperLogLog (hyper_log_log.h) of
// XXH3-64 of the byte 's' followed by each distinct value's text — the hash the `cardinality`
// aggregation gives a string (query/bucket_key.h) — so a part wholly inside a query answers a
// distinct count by merging registers instead of hashing every dictionary. Frame body:
// precision u8 (kSketchPrecision), then 2^precision register bytes. Written only for columns
// whose values repeat enough in every row group to be dictionary candidates (their distinct
// values are at hand; a message column's are not) and with more distinct values than
// HyperLogLog::kExactLimit: below that the per-block path is cheap and its count exact.
constexpr uint8_t kSketchPrecision = 14;

// Token filter: bits per distinct token and probes per token (about 1% false positives).
constexpr size_t kBloomBitsPerToken = 10;
constexpr int kBloomProbes = 7;

}  // namespace perimeter::store
