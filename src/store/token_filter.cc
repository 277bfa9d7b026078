#include "store/token_filter.h"

#include <xxhash.h>

#include <array>

#include "core/text_tokens.h"
#include "store/byte_coding.h"
#include "store/part_format.h"
#include "store/text_forms.h"

namespace perimeter::store {

namespace {

// Bits beyond this per block buy nothing: the filter is already far smaller than the block.
constexpr uint64_t kMaxFilterBits = 1u << 24;

void Probe(uint64_t hash, uint64_t bits, const std::function<void(uint64_t)>& fn) {
  uint64_t h1 = hash & 0xffffffffu, h2 = (hash >> 32) | 1;
  for (int i = 0; i < kBloomProbes; ++i) fn((h1 + static_cast<uint64_t>(i) * h2) % bits);
}

}  // namespace

bool IsIndexedToken(std::string_view tok) {
  for (char c : tok) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return true;
  }
  IpBytes ip;
  return tok.size() >= 7 && ParseCanonicalIp(tok, &ip) && ip.v4();
}

void ForEachIndexedToken(std::string_view text, const std::function<void(std::string_view)>& fn) {
  std::string scratch;
  ForEachToken(text, &scratch, [&](std::string_view tok) {
    if (IsIndexedToken(tok)) fn(tok);
  });
}

void TokenFilterBuilder::AddText(std::string_view text) {
  ForEachIndexedToken(text, [this](std::string_view tok) {
    uint64_t h = XXH3_64bits(tok.data(), tok.size());
    bool inserted;
    seen_.FindOrInsert(
        h, [&](uint32_t code) { return hashes_[code] == h; }, &inserted);
    if (inserted) hashes_.push_back(h);
  });
}

std::string TokenFilterBuilder::Finish() const {
  uint64_t bits = std::max<uint64_t>(64, hashes_.size() * kBloomBitsPerToken);
  bits = std::min(bits, kMaxFilterBits);
  bits = (bits + 7) / 8 * 8;
  std::string out;
  out.push_back(static_cast<char>(kBloomProbes));
  PutVarint(&out, bits);
  size_t base = out.size();
  out.resize(base + bits / 8, '\0');
  for (uint64_t h : hashes_) {
    Probe(h, bits,
          [&](uint64_t bit) { out[base + bit / 8] |= static_cast<char>(1u << (bit % 8)); });
  }
  return out;
}

bool TokenFilterMayContain(std::string_view filter, std::string_view token) {
  if (!IsIndexedToken(token)) return true;
  ByteReader in(filter);
  uint8_t probes = in.Byte();
  uint64_t bits = in.Varint();
  if (!in.ok() || probes != kBloomProbes || bits == 0 || bits % 8 != 0 ||
      in.remaining() != bits / 8) {
    return true;
  }
  const char* base = in.position();
  uint64_t h = XXH3_64bits(token.data(), token.size());
  bool all = true;
  Probe(h, bits, [&](uint64_t bit) {
    if (!(static_cast<uint8_t>(base[bit / 8]) & (1u << (bit % 8)))) all = false;
  });
  return all;
}

}  // namespace perimeter::store
