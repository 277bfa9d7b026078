// Token filters (docs/storage.md "Token filter"): a Bloom filter per message block over the
// block's distinct indexed tokens, so a free-text search skips blocks that cannot match.
// The query engine tokenizes its search text with ForEachIndexedToken and asks MayContain.
// A builder belongs to one thread; MayContain is a pure function.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/distinct_index.h"

namespace perimeter::store {

// Tokens are core/text_tokens.h's (shared with the query engine). The filter indexes those
// that contain a letter (or a byte ≥ 0x80) and IPv4 addresses; pure numbers ("3389") are not
// indexed, so a search for one cannot skip blocks.
bool IsIndexedToken(std::string_view token);
// Calls `fn` with every indexed token of `text` (lowercased, as the shared tokenizer gives).
void ForEachIndexedToken(std::string_view text, const std::function<void(std::string_view)>& fn);

class TokenFilterBuilder {
 public:
  void AddText(std::string_view text);
  size_t distinct_tokens() const { return hashes_.size(); }
  // The frame body: u8 probes · varint bits · bits/8 bytes.
  std::string Finish() const;

 private:
  std::vector<uint64_t> hashes_;
  DistinctIndex seen_{4096};
  std::string scratch_;
};

// False only when the block cannot contain `token` (one token of the shared tokenizer, so
// lowercased). True for tokens that are not indexed, and for a malformed filter.
bool TokenFilterMayContain(std::string_view filter, std::string_view token);

}  // namespace perimeter::store
