#include "core/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "core/short_bytes.h"

namespace perimeter {

static_assert(std::is_nothrow_move_constructible_v<ObjectMember>,
              "Grow moves members without a way back");

void Object::Grow(size_t capacity) {
  ObjectMember* fresh = std::allocator<ObjectMember>().allocate(capacity);
  ObjectMember* fresh_end = fresh;
  for (ObjectMember& m : *this) new (fresh_end++) ObjectMember(std::move(m));
  Free();  // destroys the moved-from members and lets go of their array
  begin_ = fresh;
  end_ = fresh_end;
  capacity_end_ = fresh + capacity;
  block_ = nullptr;
}

void Object::DestroyMembers() noexcept {
  for (ObjectMember& m : *this) m.~ObjectMember();
}

void Object::FreeStorage() noexcept {
  DestroyMembers();
  if (block_ != nullptr) {
    block_->Release();
  } else {
    std::allocator<ObjectMember>().deallocate(begin_, capacity());
  }
}

Value* Object::Find(std::string_view key) {
  // Length and first byte settle almost every mismatch, and the rest is compared inline a word
  // at a time, without a call to memcmp: the hot path of every field lookup.
  const size_t n = key.size();
  for (ObjectMember& m : *this) {
    const std::string& k = m.key.str();
    if (k.size() == n && (n == 0 || (k[0] == key[0] && SameShortBytes(k.data(), key.data(), n)))) {
      return &m.value;
    }
  }
  return nullptr;
}

const Value* Object::Find(std::string_view key) const {
  return const_cast<Object*>(this)->Find(key);
}

Value* Object::Find(const FieldKey& key) {
  if (!key.interned()) return Find(key.str());
  for (ObjectMember& m : *this) {
    if (m.key == key) return &m.value;  // text is read only for an owned member name
  }
  return nullptr;
}

Value& Object::GetOrInsert(std::string_view key) {
  // Interned first: an absent name (the common case: a parser adding fields) needs its key
  // anyway, and the scan then compares pointers.
  FieldKey name(key);
  if (Value* v = Find(name)) return *v;
  return EmplaceBack(std::move(name)).value;  // a first growth makes room for 4
}

Value& Object::Set(std::string_view key, Value v) {
  Value& slot = GetOrInsert(key);
  slot = std::move(v);
  return slot;
}

bool Object::Erase(std::string_view key) {
  for (ObjectMember& m : *this) {
    if (m.key.str() == key) {
      std::move(&m + 1, end(), &m);
      (--end_)->~ObjectMember();
      return true;
    }
  }
  return false;
}

void Object::Clear() {
  DestroyMembers();
  end_ = begin_;
}

bool Object::operator==(const Object& other) const {
  if (size() != other.size()) return false;
  for (const ObjectMember& m : *this) {
    const Value* v = other.Find(m.key.str());
    if (v == nullptr || !(*v == m.value)) return false;
  }
  return true;
}

const char* Value::TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kInt:
      return "integer";
    case Type::kFloat:
      return "float";
    case Type::kString:
      return "string";
    case Type::kTimestamp:
      return "timestamp";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "?";
}

void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append(std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out->append(text);
  // Ruby prints floats with a fractional part ("50.0"), keeping them apart from integers.
  if (text.find_first_of(".eEn") == std::string_view::npos) out->append(".0");
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void Value::AppendJson(std::string* out) const {
  switch (type()) {
    case Type::kNull:
      out->append("null");
      break;
    case Type::kBool:
      out->append(as_bool() ? "true" : "false");
      break;
    case Type::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), as_int());
      out->append(buf, end);
      break;
    }
    case Type::kFloat:
      if (std::isfinite(as_float())) {
        AppendDouble(as_float(), out);
      } else {
        out->append("null");
      }
      break;
    case Type::kString:
      AppendJsonString(as_string(), out);
      break;
    case Type::kTimestamp:
      out->push_back('"');
      as_timestamp().AppendIso8601(out);
      out->push_back('"');
      break;
    case Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& v : as_array()) {
        if (!first) out->push_back(',');
        first = false;
        v.AppendJson(out);
      }
      out->push_back(']');
      break;
    }
    case Type::kObject: {
      const Object& o = as_object();
      out->push_back('{');
      for (size_t i = 0; i < o.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJsonString(o.key(i), out);
        out->push_back(':');
        o.value(i).AppendJson(out);
      }
      out->push_back('}');
      break;
    }
  }
}

std::string Value::ToJson() const {
  std::string s;
  AppendJson(&s);
  return s;
}

void Value::AppendText(std::string* out) const {
  switch (type()) {
    case Type::kString:
      out->append(as_string());
      break;
    case Type::kTimestamp:
      as_timestamp().AppendIso8601(out);
      break;
    case Type::kFloat:
      AppendDouble(as_float(), out);
      break;
    case Type::kArray: {
      bool first = true;
      for (const Value& v : as_array()) {
        if (!first) out->push_back(',');
        first = false;
        v.AppendText(out);
      }
      break;
    }
    default:
      AppendJson(out);
  }
}

std::string Value::ToText() const {
  std::string s;
  AppendText(&s);
  return s;
}

bool Value::operator==(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (is_int() && other.is_int()) return as_int() == other.as_int();
    return as_number() == other.as_number();
  }
  return v_ == other.v_;
}

std::partial_ordering Value::Compare(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (is_int() && other.is_int()) return as_int() <=> other.as_int();
    return as_number() <=> other.as_number();
  }
  if (is_string() && other.is_string()) return as_string().compare(other.as_string()) <=> 0;
  if (is_timestamp() && other.is_timestamp()) return as_timestamp() <=> other.as_timestamp();
  if (is_bool() && other.is_bool()) return as_bool() <=> other.as_bool();
  return std::partial_ordering::unordered;
}

}  // namespace perimeter
