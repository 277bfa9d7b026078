// The binary value codec (docs/storage.md "Value codec"): how WAL records carry events and how
// `value` columns (arrays, empty objects) keep their cells. Field names are interned per record.
// A ValueEncoder/ValueDecoder belongs to one thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/value.h"
#include "store/byte_coding.h"

namespace perimeter::store {

enum ValueTag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt = 3,
  kTagFloat = 4,
  kTagString = 5,
  kTagTimestamp = 6,
  kTagArray = 7,
  kTagObject = 8,
};

// Deeper nesting than this is refused on decode: it only comes from damage, and bounding it
// keeps a crafted record from overflowing the stack.
constexpr int kMaxValueDepth = 64;

class ValueEncoder {
 public:
  // Starts a new key table (a new WAL record or value cell).
  void Reset();
  // An event's fields; call StartEvent() before each so key prediction lines up.
  void StartEvent() { position_ = 0; }
  void EncodeObject(const Object& object, std::string* out);
  void EncodeValue(const Value& value, std::string* out);

 private:
  void EncodeKey(const std::string& key, std::string* out);

  std::vector<std::string> keys_;
  std::unordered_map<std::string, uint32_t> key_index_;
  // Events of one pipeline carry the same fields in the same order: the key at traversal
  // position i is usually the one the previous event had there, checked with one compare.
  std::vector<uint32_t> predicted_;
  size_t position_ = 0;
};

class ValueDecoder {
 public:
  void Reset() { keys_.clear(); }
  Status DecodeObject(ByteReader* in, Object* out) { return DecodeObjectAt(in, out, 0); }
  Status DecodeValue(ByteReader* in, Value* out) { return DecodeValueAt(in, out, 0); }

 private:
  Status DecodeObjectAt(ByteReader* in, Object* out, int depth);
  Status DecodeValueAt(ByteReader* in, Value* out, int depth);
  std::vector<std::string> keys_;
};

// One value as a self-contained blob (its own key table): a `value` column cell.
std::string EncodeValueBlob(const Value& value);
Result<Value> DecodeValueBlob(std::string_view blob);
// A blob holding an array of exactly two floats (a GeoJSON [lon, lat] point), read without
// building a Value (map panels read thousands per row group); false for any other blob.
bool DecodeFloatPair(std::string_view blob, double* first, double* second);

}  // namespace perimeter::store
