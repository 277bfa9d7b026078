// MmdbDataDecoder: reads the maps of a MaxMind DB data section in one pass — every key of a
// record with its scalar value — where libmaxminddb's MMDB_aget_value rescans the map for each
// key. Used for the flat records of the default database: it halves the cost of decoding one.
// Bounds-checks every length it reads. Holds a view of the memory-mapped section; stateless,
// safe to use from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace perimeter::geoip {

// A decoded value. Maps, arrays, bytes and 128-bit integers are reported as kOther.
struct MmdbScalar {
  enum class Kind { kString, kDouble, kFloat, kUnsigned, kSigned, kBool, kOther };
  Kind kind = Kind::kOther;
  std::string_view text;  // kString: a view into the data section
  double number = 0;      // kDouble, kFloat (widened), kUnsigned, kSigned
  uint64_t unsigned_value = 0;
  int64_t signed_value = 0;
  bool boolean = false;
};

class MmdbDataDecoder {
 public:
  MmdbDataDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // Calls visit(key, value) for each entry of the map at `offset`. Corruption when the bytes
  // are not a well-formed map.
  template <typename Visit>
  Status ForEachInMap(uint32_t offset, Visit&& visit) const {
    Header map;
    size_t end;
    const char* error = ReadHeader(offset, &map, &end);
    if (error == nullptr && map.type == kPointer) error = ReadHeader(map.size, &map, &end);
    if (error == nullptr && map.type != kMap) error = "record is not a map";
    size_t cursor = map.payload;
    for (uint32_t i = 0; error == nullptr && i < map.size; ++i) {
      MmdbScalar key;
      MmdbScalar value;
      error = Decode(cursor, &key, &cursor);
      if (error == nullptr && key.kind != MmdbScalar::Kind::kString) {
        error = "map key is not a string";
      }
      if (error == nullptr) error = Decode(cursor, &value, &cursor);
      if (error == nullptr) visit(key.text, value);
    }
    return error == nullptr ? Status::OK() : Corrupt(error);
  }

 private:
  static constexpr int kPointer = 1;
  static constexpr int kMap = 7;
  static constexpr int kArray = 11;

  struct Header {
    int type = 0;
    uint32_t size = 0;
    size_t payload = 0;  // offset of the first payload byte
  };

  // The helpers return null on success and what is wrong otherwise (no Status in the inner loop:
  // it runs for every key of every record decoded).

  // Reads the control byte(s) at `pos` without following a pointer; `*end` is past them (for a
  // pointer: past the pointer).
  const char* ReadHeader(size_t pos, Header* h, size_t* end) const;
  // Like ReadHeader, but follows a pointer to the value it points at; `*next` is where the value
  // after this one starts.
  const char* ReadResolved(size_t pos, Header* h, size_t* next) const;
  // Decodes the value at `pos` into `out`; `*next` is where the following value starts.
  const char* Decode(size_t pos, MmdbScalar* out, size_t* next) const;
  // The offset just past the value whose header is `h` (recursing into maps and arrays).
  const char* EndOf(const Header& h, int depth, size_t* end) const;
  static Status Corrupt(std::string_view what);

  const uint8_t* data_;
  size_t size_;
};

}  // namespace perimeter::geoip
