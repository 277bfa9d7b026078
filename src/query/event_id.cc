#include "query/event_id.h"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace perimeter::query {

namespace {

void Put64(uint64_t v, std::string* out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

void PutString(std::string_view s, std::string* out) {
  Put64(s.size(), out);
  out->append(s);
}

// Tag byte per type, then the value; object members by name so member order does not matter.
void AppendCanonical(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case Value::Type::kNull:
      break;
    case Value::Type::kBool:
      out->push_back(v.as_bool() ? 1 : 0);
      break;
    case Value::Type::kInt:
      Put64(static_cast<uint64_t>(v.as_int()), out);
      break;
    case Value::Type::kFloat: {
      double d = v.as_float();
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      Put64(bits, out);
      break;
    }
    case Value::Type::kString:
      PutString(v.as_string(), out);
      break;
    case Value::Type::kTimestamp:
      Put64(static_cast<uint64_t>(v.as_timestamp().nanos()), out);
      break;
    case Value::Type::kArray:
      Put64(v.as_array().size(), out);
      for (const Value& e : v.as_array()) AppendCanonical(e, out);
      break;
    case Value::Type::kObject: {
      const Object& o = v.as_object();
      std::vector<size_t> order(o.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return o.key(a) < o.key(b); });
      Put64(o.size(), out);
      for (size_t i : order) {
        PutString(o.key(i), out);
        AppendCanonical(o.value(i), out);
      }
      break;
    }
  }
}

}  // namespace

std::string EventId(const Event& event) {
  std::string canonical;
  AppendCanonical(Value(event.fields()), &canonical);
  uint64_t hash = XXH3_64bits(canonical.data(), canonical.size());
  const Value* ts = event.GetTop("@timestamp");
  char buf[64];
  int n;
  if (ts != nullptr && ts->is_timestamp()) {
    n = std::snprintf(buf, sizeof buf, "%lld-%016llx",
                      static_cast<long long>(ts->as_timestamp().nanos()),
                      static_cast<unsigned long long>(hash));
  } else {
    n = std::snprintf(buf, sizeof buf, "n-%016llx", static_cast<unsigned long long>(hash));
  }
  return std::string(buf, static_cast<size_t>(n));
}

bool ParseEventId(std::string_view id, ParsedEventId* out) {
  size_t dash = id.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || id.size() - dash - 1 != 16) return false;
  std::string_view ts = id.substr(0, dash), hex = id.substr(dash + 1);
  auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), out->hash, 16);
  if (ec != std::errc() || p != hex.data() + hex.size()) return false;
  if (ts == "n") {
    out->timestamp_ns.reset();
    return true;
  }
  int64_t t;
  auto [q, ec2] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
  if (ec2 != std::errc() || q != ts.data() + ts.size()) return false;
  out->timestamp_ns = t;
  return true;
}

}  // namespace perimeter::query
