// How free text (the `message` field) is split into search tokens, shared by the store's token
// index and the query engine so both agree on what a word is. Stateless; thread-safe.
//
// A token is a maximal run of ASCII letters, digits, '_' , '.', '-' and bytes >= 0x80, with
// leading/trailing '.' and '-' trimmed, lower-cased: "SRC=61.177.1.2 DPT=22 [UFW BLOCK]" →
// "src", "61.177.1.2", "dpt", "22", "ufw", "block".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perimeter {

// Calls fn(std::string_view token) for each token; the view is valid for the call only.
template <typename Fn>
void ForEachToken(std::string_view text, std::string* scratch, Fn&& fn) {
  auto is_token_char = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c >= 0x80;
  };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_token_char(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && is_token_char(static_cast<unsigned char>(text[i]))) ++i;
    size_t end = i;
    while (start < end && (text[start] == '.' || text[start] == '-')) ++start;
    while (end > start && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    if (start == end) continue;
    scratch->assign(text.data() + start, end - start);
    for (char& c : *scratch) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    fn(std::string_view(*scratch));
  }
}

inline std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string scratch;
  ForEachToken(text, &scratch, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

}  // namespace perimeter
