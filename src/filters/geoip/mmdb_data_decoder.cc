#include "filters/geoip/mmdb_data_decoder.h"

#include <bit>
#include <cstring>
#include <string>

namespace perimeter::geoip {

namespace {

// Nesting of maps and arrays followed when skipping a value. Real records nest 3 deep
// (subdivisions[].names.en); the bound stops a corrupt file from recursing without end.
constexpr int kMaxNesting = 32;

// Payload types of the MaxMind DB format (spec 2.0, "Data Section").
constexpr int kUtf8 = 2;
constexpr int kDouble = 3;
constexpr int kBytes = 4;
constexpr int kUint16 = 5;
constexpr int kUint32 = 6;
constexpr int kInt32 = 8;
constexpr int kUint64 = 9;
constexpr int kUint128 = 10;
constexpr int kBoolean = 14;
constexpr int kFloat = 15;

}  // namespace

Status MmdbDataDecoder::Corrupt(std::string_view what) {
  return Status::Corruption("GeoIP database data section: " + std::string(what));
}

// Control byte: type in the top 3 bits (0: extended, the type is 7 + the next byte), size in the
// low 5 (29, 30, 31: the size continues in 1, 2, 3 more bytes). A pointer's 5 bits are 2 bits of
// pointer length and 3 bits of value instead.
const char* MmdbDataDecoder::ReadHeader(size_t pos, Header* h, size_t* end) const {
  if (pos >= size_) return "offset past the end";
  uint8_t ctrl = data_[pos++];
  int type = ctrl >> 5;
  if (type == kPointer) {
    size_t len = ((ctrl >> 3) & 0x3) + 1;
    if (pos + len > size_) return "pointer past the end";
    uint32_t v = 0;
    for (size_t i = 0; i < len; ++i) v = (v << 8) | data_[pos + i];
    static constexpr uint32_t kBias[] = {0, 2048, 526336, 0};
    if (len < 4) v |= uint32_t{ctrl & 0x7u} << (8 * len);
    h->type = kPointer;
    h->size = v + kBias[len - 1];
    h->payload = pos;
    *end = pos + len;
    return nullptr;
  }
  if (type == 0) {
    if (pos >= size_) return "extended type past the end";
    type = 7 + data_[pos++];
  }
  uint32_t size = ctrl & 0x1f;
  if (size >= 29) {
    size_t extra = size - 28;
    if (pos + extra > size_) return "size past the end";
    uint32_t v = 0;
    for (size_t i = 0; i < extra; ++i) v = (v << 8) | data_[pos + i];
    static constexpr uint32_t kBase[] = {29, 285, 65821};
    size = kBase[extra - 1] + v;
    pos += extra;
  }
  h->type = type;
  h->size = size;
  h->payload = pos;
  *end = pos;
  return nullptr;
}

const char* MmdbDataDecoder::ReadResolved(size_t pos, Header* h, size_t* next) const {
  size_t end;
  if (const char* e = ReadHeader(pos, h, &end)) return e;
  if (h->type != kPointer) {
    return EndOf(*h, 0, next);
  }
  *next = end;
  size_t target_end;
  if (const char* e = ReadHeader(h->size, h, &target_end)) return e;
  if (h->type == kPointer) return "pointer to a pointer";
  return nullptr;
}

const char* MmdbDataDecoder::EndOf(const Header& h, int depth, size_t* end) const {
  if (depth > kMaxNesting) return "values nested too deep";
  size_t pos = h.payload;
  switch (h.type) {
    case kMap:
    case kArray: {
      uint64_t items = h.type == kMap ? uint64_t{h.size} * 2 : h.size;
      for (uint64_t i = 0; i < items; ++i) {
        Header item;
        size_t after;
        if (const char* e = ReadHeader(pos, &item, &after)) return e;
        if (item.type == kPointer) {
          pos = after;
        } else {
          if (const char* e = EndOf(item, depth + 1, &pos)) return e;
        }
      }
      *end = pos;
      return nullptr;
    }
    case kBoolean:
      *end = pos;  // the size is the value
      return nullptr;
    default:
      if (pos + h.size > size_) return "value past the end";
      *end = pos + h.size;
      return nullptr;
  }
}

const char* MmdbDataDecoder::Decode(size_t pos, MmdbScalar* out, size_t* next) const {
  Header h;
  if (const char* e = ReadResolved(pos, &h, next)) return e;
  const uint8_t* p = data_ + h.payload;
  auto fits = [&](size_t n) { return h.payload + n <= size_; };
  auto big_endian = [&](size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    return v;
  };
  *out = MmdbScalar();
  switch (h.type) {
    case kUtf8:
      if (!fits(h.size)) return "string past the end";
      out->kind = MmdbScalar::Kind::kString;
      out->text = std::string_view(reinterpret_cast<const char*>(p), h.size);
      return nullptr;
    case kDouble:
      if (h.size != 8 || !fits(8)) return "double of the wrong size";
      out->kind = MmdbScalar::Kind::kDouble;
      out->number = std::bit_cast<double>(big_endian(8));
      return nullptr;
    case kFloat:
      if (h.size != 4 || !fits(4)) return "float of the wrong size";
      out->kind = MmdbScalar::Kind::kFloat;
      out->number = std::bit_cast<float>(static_cast<uint32_t>(big_endian(4)));
      return nullptr;
    case kUint16:
    case kUint32:
    case kUint64: {
      size_t max = h.type == kUint16 ? 2 : h.type == kUint32 ? 4 : 8;
      if (h.size > max || !fits(h.size)) return "integer of the wrong size";
      out->kind = MmdbScalar::Kind::kUnsigned;
      out->unsigned_value = big_endian(h.size);
      out->number = static_cast<double>(out->unsigned_value);
      return nullptr;
    }
    case kInt32: {
      if (h.size > 4 || !fits(h.size)) return "integer of the wrong size";
      uint32_t raw = static_cast<uint32_t>(big_endian(h.size));
      if (h.size > 0 && h.size < 4 && (p[0] & 0x80) != 0) {
        raw |= ~uint32_t{0} << (8 * h.size);  // sign-extend a short negative
      }
      out->kind = MmdbScalar::Kind::kSigned;
      out->signed_value = static_cast<int32_t>(raw);
      out->number = static_cast<double>(out->signed_value);
      return nullptr;
    }
    case kBoolean:
      if (h.size > 1) return "boolean other than 0 or 1";
      out->kind = MmdbScalar::Kind::kBool;
      out->boolean = h.size == 1;
      return nullptr;
    case kMap:
    case kArray:
    case kBytes:
    case kUint128:
      return nullptr;  // kOther; *next already points past it
    default:
      return "unknown data type";
  }
}

}  // namespace perimeter::geoip
