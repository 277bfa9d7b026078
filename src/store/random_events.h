// Test support for the store's tests: random events of every shape the store must keep
// (nested objects, arrays, every value type, sparse and mixed-type fields, IP and decimal
// strings, lines that share structure), firewall-shaped events, and exact comparison (types
// included, member order ignored). Header-only; used by the store's tests and
// bench/store_ingest (--verify), never by the store itself.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"

namespace perimeter::store::testing {

// Same type and value everywhere (1 and 1.0 differ); object member order is ignored.
inline bool ExactEqual(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kFloat: {
      double x = a.as_float(), y = b.as_float();
      return (std::isnan(x) && std::isnan(y)) ||
             std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(y);
    }
    case Value::Type::kArray: {
      const Array& x = a.as_array();
      const Array& y = b.as_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!ExactEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case Value::Type::kObject: {
      const Object& x = a.as_object();
      const Object& y = b.as_object();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        const Value* other = y.Find(x.key(i));
        if (other == nullptr || !ExactEqual(x.value(i), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

inline bool ExactEqual(const Event& a, const Event& b) {
  return ExactEqual(Value(a.fields()), Value(b.fields()));
}

class RandomEvents {
 public:
  explicit RandomEvents(uint64_t seed) : rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }
  uint64_t Uniform(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  std::string RandomString(size_t max_len) {
    static constexpr char kChars[] = "abcXYZ019 .:-_=[]\"'\t";
    size_t n = Uniform(max_len + 1);
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      uint64_t k = Uniform(40);
      if (k == 0) {
        s.push_back('\0');
      } else if (k == 1) {
        s.push_back(static_cast<char>(0xc3));
        s.push_back(static_cast<char>(0xa9));  // é
      } else {
        s.push_back(kChars[Uniform(sizeof kChars - 1)]);
      }
    }
    return s;
  }

  Value RandomLeaf() {
    switch (Uniform(12)) {
      case 0:
        return Value();
      case 1:
        return Value(Uniform(2) == 1);
      case 2:
        return Value(static_cast<int64_t>(rng_()));
      case 3:
        return Value(static_cast<int64_t>(Uniform(100)) - 50);
      case 4: {
        double d;
        uint64_t bits = rng_();
        std::memcpy(&d, &bits, 8);
        if (std::isnan(d)) d = 0.5;
        return Value(d);
      }
      case 5:
        return Value(static_cast<double>(Uniform(1000)) / 8);
      case 6:
        return Value(Timestamp(static_cast<int64_t>(rng_() >> 2)));
      case 7:
        return Value(std::to_string(Uniform(70000)));  // decimal string
      case 8:
        return Value(std::to_string(Uniform(256)) + "." + std::to_string(Uniform(256)) + ".0." +
                     std::to_string(Uniform(3)));  // IPv4 string
      case 9:
        return Value(Uniform(2) ? std::string("2001:db8::") + std::to_string(Uniform(10))
                                : std::string("007"));
      case 10:
        return Value(Array{Value(int64_t{1}), Value("x"), Value(Array{})});
      default:
        return Value(RandomString(24));
    }
  }

  // An event with a random subset of a fixed pool of names, so columns are shared but sparse
  // and sometimes change type.
  Event RandomEvent(int64_t ts_nanos) {
    static const char* kNames[] = {"a", "b", "c", "d.e", "host", "port", "ip", "n"};
    Event e;
    e.set_timestamp(Timestamp(ts_nanos));
    for (const char* name : kNames) {
      if (Uniform(3) == 0) continue;
      e.SetTop(name, RandomLeaf());
    }
    if (Uniform(2)) {
      Object nested;
      nested.Set("x", RandomLeaf());
      if (Uniform(2)) nested.Set("y", Object{});  // empty object: kept as a value
      Object deeper;
      deeper.Set("z", RandomLeaf());
      nested.Set("deep", std::move(deeper));
      e.SetTop("geo", std::move(nested));
    }
    // Messages that share structure with fields, and ones that do not.
    std::string port = std::to_string(Uniform(5) == 0 ? 22 : 1024 + Uniform(60000));
    e.SetTop("port", port);
    switch (Uniform(4)) {
      case 0:
        e.SetTop("message", RandomString(80));
        break;
      case 1:
        break;  // no message
      default:
        e.SetTop("message", "May  3 17:20:0" + std::to_string(Uniform(10)) + " host kernel: [" +
                                std::to_string(Uniform(1000000)) + ".0" +
                                std::to_string(Uniform(100)) + "] SRC=10.0.0." +
                                std::to_string(Uniform(9)) + " DPT=" + port +
                                " ID=" + std::string(Uniform(3), '0') +
                                std::to_string(Uniform(99999)) + " 12345678901234567890123 end");
    }
    return e;
  }

  // A parsed firewall event like the store's main load.
  Event FirewallEvent(int64_t ts_seconds) {
    static const char* kCountries[][2] = {
        {"CN", "China"}, {"US", "United States"}, {"RU", "Russia"}, {"NL", "Netherlands"}};
    uint64_t src = Uniform(Uniform(2) ? 20 : 2000);
    std::string ip = "198.51." + std::to_string(src / 256) + "." + std::to_string(src % 256);
    std::string port = std::to_string(1024 + Uniform(64000));
    std::string dpt = Uniform(2) ? "22" : "3389";
    Event e;
    e.set_timestamp(Timestamp::FromSeconds(ts_seconds));
    e.SetTop("message", "May  3 17:20:08 host kernel: [742317.869535] IN=eth0 OUT= SRC=" + ip +
                            " DST=203.0.113.5 LEN=60 TTL=" + std::to_string(30 + src % 50) +
                            " ID=" + std::to_string(Uniform(65536)) + " PROTO=TCP SPT=" + port +
                            " DPT=" + dpt + " WINDOW=14600 SYN URGP=0");
    e.SetTop("type", "iptables");
    e.SetTop("src_ip", ip);
    e.SetTop("src_port", port);
    e.SetTop("dst_port", dpt);
    Object geo;
    geo.Set("ip", ip);
    geo.Set("country_code2", kCountries[src % 4][0]);
    geo.Set("country_name", kCountries[src % 4][1]);
    geo.Set("latitude", 10.5 + static_cast<double>(src % 7));
    geo.Set("location", Array{Value(1.5), Value(static_cast<double>(src % 7))});
    e.SetTop("geoip", std::move(geo));
    return e;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace perimeter::store::testing
