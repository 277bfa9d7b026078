// MmdbTestWriter: writes small MaxMind DB files for the geoip tests — a search tree over the
// networks given and their records — so that layouts the shared test data lacks (DB-IP's flat
// records, Enterprise, Anonymous-IP) and corrupt files can be tested. Test-only, header-only;
// networks must not overlap. Not thread-safe.
//
// File: search tree (node_count nodes of two 24-bit big-endian records) | 16 zero bytes | data
// section | "\xAB\xCD\xEFMaxMind.com" | metadata map. A record below node_count points to a node,
// node_count means "empty", above it points to data at (record - node_count - 16).
#pragma once

#include <arpa/inet.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/value.h"

namespace perimeter::geoip {

class MmdbTestWriter {
 public:
  // `ip_version` 4 or 6 (IPv4 networks of a version-6 tree live under ::/96, as in MaxMind's
  // files). With `floats`, doubles are stored as 32-bit floats, as the DB-IP files do.
  MmdbTestWriter(int ip_version, std::string database_type, bool floats = false)
      : ip_version_(ip_version), database_type_(std::move(database_type)), floats_(floats) {
    nodes_.push_back({kEmpty, kEmpty});
  }

  // Maps `cidr` ("81.2.69.0/24", "2001:480::/32") to `record` (usually an Object). Returns the
  // record's data offset.
  size_t Insert(const std::string& cidr, const Value& record) {
    size_t offset = data_.size();
    Encode(record, &data_);
    Place(cidr, kDataBase + static_cast<int64_t>(offset));
    return offset;
  }

  // Maps `cidr` to the record already stored at `offset`, as real databases share one record
  // between the networks of a city.
  void InsertShared(const std::string& cidr, size_t offset) {
    Place(cidr, kDataBase + static_cast<int64_t>(offset));
  }

  // Maps `cidr` to a data offset past the end of the data section: a corrupt file.
  void InsertDanglingPointer(const std::string& cidr) {
    Place(cidr, kDataBase + (int64_t{1} << 20));
  }

  std::string Build() const {
    std::string out;
    const uint32_t node_count = static_cast<uint32_t>(nodes_.size());
    auto record_value = [&](int64_t r) -> uint32_t {
      if (r == kEmpty) return node_count;
      if (r >= kDataBase) return node_count + 16 + static_cast<uint32_t>(r - kDataBase);
      return static_cast<uint32_t>(r);
    };
    for (const auto& node : nodes_) {
      for (int side = 0; side < 2; ++side) {
        uint32_t v = record_value(node[side]);
        out.push_back(static_cast<char>((v >> 16) & 0xff));
        out.push_back(static_cast<char>((v >> 8) & 0xff));
        out.push_back(static_cast<char>(v & 0xff));
      }
    }
    out.append(16, '\0');
    out.append(data_);
    out.append("\xAB\xCD\xEFMaxMind.com");
    Object description;
    description.Set("en", "Perimeter test database");
    Object meta;
    meta.Set("binary_format_major_version", Value(int64_t{2}));
    meta.Set("binary_format_minor_version", Value(int64_t{0}));
    meta.Set("build_epoch", Value(int64_t{1700000000}));
    meta.Set("database_type", database_type_);
    meta.Set("description", std::move(description));
    meta.Set("ip_version", Value(int64_t{ip_version_}));
    meta.Set("languages", Array{Value("en")});
    meta.Set("node_count", Value(int64_t{node_count}));
    meta.Set("record_size", Value(int64_t{24}));
    std::string encoded;
    EncodeMeta(meta, &encoded);
    out.append(encoded);
    return out;
  }

  // The data-section encoding of `v` alone (for decoder tests).
  std::string EncodeData(const Value& v) const {
    std::string out;
    Encode(v, &out);
    return out;
  }

  bool WriteTo(const std::string& path) const {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    std::string bytes = Build();
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(f);
  }

 private:
  static constexpr int64_t kEmpty = -1;
  static constexpr int64_t kDataBase = int64_t{1} << 40;  // records at or above point to data

  void Place(const std::string& cidr, int64_t record) {
    size_t slash = cidr.find('/');
    std::string addr = cidr.substr(0, slash);
    int prefix = std::stoi(cidr.substr(slash + 1));
    std::array<uint8_t, 16> bits{};
    if (addr.find(':') == std::string::npos) {
      uint8_t v4[4];
      inet_pton(AF_INET, addr.c_str(), v4);
      if (ip_version_ == 6) {
        std::memcpy(bits.data() + 12, v4, 4);
        prefix += 96;
      } else {
        std::memcpy(bits.data(), v4, 4);
      }
    } else {
      inet_pton(AF_INET6, addr.c_str(), bits.data());
    }
    size_t node = 0;
    for (int depth = 0; depth < prefix; ++depth) {
      int bit = (bits[depth / 8] >> (7 - depth % 8)) & 1;
      if (depth == prefix - 1) {
        nodes_[node][bit] = record;
        break;
      }
      if (nodes_[node][bit] == kEmpty) {
        nodes_.push_back({kEmpty, kEmpty});
        nodes_[node][bit] = static_cast<int64_t>(nodes_.size() - 1);
      }
      node = static_cast<size_t>(nodes_[node][bit]);
    }
  }

  // Control byte(s): type in the top 3 bits (extended types in a second byte), then the size.
  static void Control(int type, size_t size, std::string* out) {
    uint8_t first = static_cast<uint8_t>(type <= 7 ? type << 5 : 0);
    std::string size_bytes;
    if (size < 29) {
      first |= static_cast<uint8_t>(size);
    } else if (size < 29 + 256) {
      first |= 29;
      size_bytes.push_back(static_cast<char>(size - 29));
    } else if (size < 285 + 65536) {
      first |= 30;
      size -= 285;
      size_bytes.push_back(static_cast<char>(size >> 8));
      size_bytes.push_back(static_cast<char>(size & 0xff));
    } else {
      first |= 31;
      size -= 65821;
      size_bytes.push_back(static_cast<char>(size >> 16));
      size_bytes.push_back(static_cast<char>((size >> 8) & 0xff));
      size_bytes.push_back(static_cast<char>(size & 0xff));
    }
    out->push_back(static_cast<char>(first));
    if (type > 7) out->push_back(static_cast<char>(type - 7));
    out->append(size_bytes);
  }

  static void Unsigned(int type, uint64_t v, std::string* out) {
    std::string bytes;
    while (v != 0) {
      bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
      v >>= 8;
    }
    Control(type, bytes.size(), out);
    out->append(bytes);
  }

  void Encode(const Value& v, std::string* out) const {
    switch (v.type()) {
      case Value::Type::kString:
        Control(2, v.as_string().size(), out);
        out->append(v.as_string());
        break;
      case Value::Type::kFloat:
        if (floats_) {
          uint32_t bits = std::bit_cast<uint32_t>(static_cast<float>(v.as_float()));
          Control(15, 4, out);
          for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((bits >> s) & 0xff));
        } else {
          uint64_t bits = std::bit_cast<uint64_t>(v.as_float());
          Control(3, 8, out);
          for (int s = 56; s >= 0; s -= 8) out->push_back(static_cast<char>((bits >> s) & 0xff));
        }
        break;
      case Value::Type::kInt:
        if (v.as_int() < 0) {
          uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(v.as_int()));
          Control(8, 4, out);
          for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((bits >> s) & 0xff));
        } else {
          Unsigned(v.as_int() < (int64_t{1} << 32) ? 6 : 9, static_cast<uint64_t>(v.as_int()), out);
        }
        break;
      case Value::Type::kBool:
        Control(14, v.as_bool() ? 1 : 0, out);
        break;
      case Value::Type::kArray:
        Control(11, v.as_array().size(), out);
        for (const Value& e : v.as_array()) Encode(e, out);
        break;
      case Value::Type::kObject: {
        const Object& o = v.as_object();
        Control(7, o.size(), out);
        for (size_t i = 0; i < o.size(); ++i) {
          Control(2, o.key(i).size(), out);
          out->append(o.key(i));
          Encode(o.value(i), out);
        }
        break;
      }
      default:
        Control(2, 0, out);
    }
  }

  // Metadata wants uint16 / uint32 / uint64 by key, as libmaxminddb checks the types.
  static void EncodeMeta(const Object& meta, std::string* out) {
    Control(7, meta.size(), out);
    for (size_t i = 0; i < meta.size(); ++i) {
      const std::string& k = meta.key(i);
      const Value& v = meta.value(i);
      Control(2, k.size(), out);
      out->append(k);
      if (k == "node_count") {
        Unsigned(6, static_cast<uint64_t>(v.as_int()), out);
      } else if (k == "build_epoch") {
        Unsigned(9, static_cast<uint64_t>(v.as_int()), out);
      } else if (v.is_int()) {
        Unsigned(5, static_cast<uint64_t>(v.as_int()), out);
      } else {
        MmdbTestWriter plain(6, "");
        plain.Encode(v, out);
      }
    }
  }

  int ip_version_;
  std::string database_type_;
  bool floats_;
  std::vector<std::array<int64_t, 2>> nodes_;
  std::string data_;
};

}  // namespace perimeter::geoip
