#include "query/bucket_key.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace perimeter::query {

namespace {

void AppendFixed64(uint64_t v, std::string* out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

uint64_t LoadFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Floats that hold an int64 exactly key as that int (2^63 itself does not fit).
constexpr double kTwo63 = 9223372036854775808.0;

}  // namespace

void AppendStringKey(std::string_view s, std::string* out) {
  out->push_back('s');
  out->append(s);
}

void AppendIntKey(int64_t v, std::string* out) {
  out->push_back('i');
  AppendFixed64(static_cast<uint64_t>(v), out);
}

void AppendFloatKey(double v, std::string* out) {
  if (v >= -kTwo63 && v < kTwo63 && v == std::trunc(v)) {
    AppendIntKey(static_cast<int64_t>(v), out);
    return;
  }
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  out->push_back('f');
  AppendFixed64(bits, out);
}

void AppendBoolKey(bool v, std::string* out) {
  out->push_back('b');
  out->push_back(v ? 1 : 0);
}

void AppendTimestampKey(int64_t nanos, std::string* out) {
  out->push_back('t');
  AppendFixed64(static_cast<uint64_t>(nanos), out);
}

bool AppendScalarKey(const Value& v, std::string* out) {
  switch (v.type()) {
    case Value::Type::kString:
      AppendStringKey(v.as_string(), out);
      return true;
    case Value::Type::kInt:
      AppendIntKey(v.as_int(), out);
      return true;
    case Value::Type::kFloat:
      AppendFloatKey(v.as_float(), out);
      return true;
    case Value::Type::kBool:
      AppendBoolKey(v.as_bool(), out);
      return true;
    case Value::Type::kTimestamp:
      AppendTimestampKey(v.as_timestamp().nanos(), out);
      return true;
    default:
      return false;
  }
}

Value KeyToValue(std::string_view key) {
  if (key.empty()) return Value();
  std::string_view body = key.substr(1);
  switch (key[0]) {
    case 's':
      return Value(body);
    case 'i':
      return body.size() == 8 ? Value(static_cast<int64_t>(LoadFixed64(body.data()))) : Value();
    case 'f': {
      if (body.size() != 8) return Value();
      uint64_t bits = LoadFixed64(body.data());
      double d;
      std::memcpy(&d, &bits, 8);
      return Value(d);
    }
    case 'b':
      return body.size() == 1 ? Value(body[0] != 0) : Value();
    case 't':
      return body.size() == 8 ? Value(Timestamp(static_cast<int64_t>(LoadFixed64(body.data()))))
                              : Value();
    default:
      return Value();
  }
}

std::optional<double> NumberOfText(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<double> NumberOf(const Value& v) {
  switch (v.type()) {
    case Value::Type::kInt:
      return static_cast<double>(v.as_int());
    case Value::Type::kFloat:
      if (!std::isfinite(v.as_float())) return std::nullopt;
      return v.as_float();
    case Value::Type::kString:
      return NumberOfText(v.as_string());
    case Value::Type::kTimestamp:
      return static_cast<double>(v.as_timestamp().millis());
    default:
      return std::nullopt;
  }
}

}  // namespace perimeter::query
