#include "store/value_codec.h"

#include <cstring>

namespace perimeter::store {

void ValueEncoder::Reset() {
  position_ = 0;
  if (keys_.empty()) return;  // arrays of scalars never fill the table: nothing to clear
  keys_.clear();
  key_index_.clear();
  predicted_.clear();
}

void ValueEncoder::EncodeKey(const std::string& key, std::string* out) {
  size_t pos = position_++;
  if (pos < predicted_.size()) {
    uint32_t guess = predicted_[pos];
    if (keys_[guess] == key) {
      PutVarint(out, guess + 1);
      return;
    }
  }
  uint32_t index;
  auto it = key_index_.find(key);
  if (it != key_index_.end()) {
    index = it->second;
    PutVarint(out, index + 1);
  } else {
    index = static_cast<uint32_t>(keys_.size());
    keys_.push_back(key);
    key_index_.emplace(key, index);
    out->push_back(0);
    PutBytes(out, key);
  }
  if (pos < predicted_.size()) {
    predicted_[pos] = index;
  } else if (pos == predicted_.size()) {
    predicted_.push_back(index);
  }
}

void ValueEncoder::EncodeObject(const Object& object, std::string* out) {
  PutVarint(out, object.size());
  for (size_t i = 0; i < object.size(); ++i) {
    EncodeKey(object.key(i), out);
    EncodeValue(object.value(i), out);
  }
}

void ValueEncoder::EncodeValue(const Value& v, std::string* out) {
  switch (v.type()) {
    case Value::Type::kNull:
      out->push_back(kTagNull);
      return;
    case Value::Type::kBool:
      out->push_back(v.as_bool() ? kTagTrue : kTagFalse);
      return;
    case Value::Type::kInt:
      out->push_back(kTagInt);
      PutZigZag(out, v.as_int());
      return;
    case Value::Type::kFloat: {
      out->push_back(kTagFloat);
      uint64_t bits;
      double d = v.as_float();
      std::memcpy(&bits, &d, 8);
      PutFixed64(out, bits);
      return;
    }
    case Value::Type::kString:
      out->push_back(kTagString);
      PutBytes(out, v.as_string());
      return;
    case Value::Type::kTimestamp:
      out->push_back(kTagTimestamp);
      PutZigZag(out, v.as_timestamp().nanos());
      return;
    case Value::Type::kArray:
      out->push_back(kTagArray);
      PutVarint(out, v.as_array().size());
      for (const Value& e : v.as_array()) EncodeValue(e, out);
      return;
    case Value::Type::kObject:
      out->push_back(kTagObject);
      EncodeObject(v.as_object(), out);
      return;
  }
}

Status ValueDecoder::DecodeObjectAt(ByteReader* in, Object* out, int depth) {
  uint64_t n = in->BoundedVarint(in->remaining());  // every member takes at least one byte
  out->Reserve(n);
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    uint64_t ref = in->Varint();
    size_t key;  // an index: decoding the value may grow keys_
    if (ref == 0) {
      keys_.emplace_back(in->Bytes());
      key = keys_.size() - 1;
    } else {
      if (ref > keys_.size()) return Status::Corruption("value codec: key reference out of range");
      key = ref - 1;
    }
    Value v;
    RETURN_IF_ERROR(DecodeValueAt(in, &v, depth + 1));
    out->Set(keys_[key], std::move(v));
  }
  if (!in->ok()) return Status::Corruption("value codec: object runs past its record");
  return Status::OK();
}

Status ValueDecoder::DecodeValueAt(ByteReader* in, Value* out, int depth) {
  if (depth > kMaxValueDepth) return Status::Corruption("value codec: nesting too deep");
  uint8_t tag = in->Byte();
  switch (tag) {
    case kTagNull:
      *out = Value();
      break;
    case kTagFalse:
      *out = Value(false);
      break;
    case kTagTrue:
      *out = Value(true);
      break;
    case kTagInt:
      *out = Value(in->ZigZagVarint());
      break;
    case kTagFloat:
      *out = Value(in->Double());
      break;
    case kTagString:
      *out = Value(in->Bytes());
      break;
    case kTagTimestamp:
      *out = Value(Timestamp(in->ZigZagVarint()));
      break;
    case kTagArray: {
      uint64_t n = in->BoundedVarint(in->remaining());
      Array a;
      a.reserve(n);
      for (uint64_t i = 0; i < n && in->ok(); ++i) {
        RETURN_IF_ERROR(DecodeValueAt(in, &a.emplace_back(), depth + 1));
      }
      *out = Value(std::move(a));
      break;
    }
    case kTagObject: {
      Object o;
      RETURN_IF_ERROR(DecodeObjectAt(in, &o, depth + 1));
      *out = Value(std::move(o));
      break;
    }
    default:
      return Status::Corruption("value codec: unknown tag " + std::to_string(tag));
  }
  if (!in->ok()) return Status::Corruption("value codec: value runs past its record");
  return Status::OK();
}

std::string EncodeValueBlob(const Value& value) {
  ValueEncoder enc;
  std::string out;
  enc.EncodeValue(value, &out);
  return out;
}

Result<Value> DecodeValueBlob(std::string_view blob) {
  ValueDecoder dec;
  ByteReader in(blob);
  Value v;
  RETURN_IF_ERROR(dec.DecodeValue(&in, &v));
  if (!in.empty()) return Status::Corruption("value codec: trailing bytes after a value");
  return v;
}

bool DecodeFloatPair(std::string_view blob, double* first, double* second) {
  // tag array · varint 2 · tag float · 8 bytes · tag float · 8 bytes
  if (blob.size() != 20 || blob[0] != static_cast<char>(kTagArray) || blob[1] != 2 ||
      blob[2] != static_cast<char>(kTagFloat) || blob[11] != static_cast<char>(kTagFloat)) {
    return false;
  }
  uint64_t a = LoadFixed64(blob.data() + 3), b = LoadFixed64(blob.data() + 12);
  std::memcpy(first, &a, 8);
  std::memcpy(second, &b, 8);
  return true;
}

}  // namespace perimeter::store
