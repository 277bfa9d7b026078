#include "filters/kv_scanner.h"

#include <fmt/format.h>

#include <cstring>

namespace perimeter {

namespace {

// Ruby's Regexp.quote for the single characters kv uses as quotes and brackets.
std::string Quote(char c) {
  if (std::strchr("()[]{}.*+?^$|\\/", c) != nullptr) return std::string("\\") + c;
  return std::string(1, c);
}

// Logstash's quoted_capture: an opening quote, an optional run of escaped or non-closing
// characters (captured), the closing quote.
std::string QuotedCapture(char open, char close) {
  return Quote(open) + "((?:\\\\.|[^" + Quote(close) + "])+)?" + Quote(close);
}

// The quote and bracket pairs Logstash tries before a plain value, in its order.
struct QuotePair {
  char open, close;
  bool bracket;
};
constexpr QuotePair kQuotePairs[] = {
    {'"', '"', false}, {'\'', '\'', false}, {'(', ')', true}, {'[', ']', true}, {'<', '>', true}};

}  // namespace

Result<KvScanner> KvScanner::Create(const Options& o) {
  if (o.value_split.empty() && !o.value_split_pattern) {
    return Status::InvalidArgument("option 'value_split' must be a non-empty string");
  }
  if (o.field_split.empty() && !o.field_split_pattern) {
    return Status::InvalidArgument("option 'field_split' must be a non-empty string");
  }
  if (o.field_split_pattern && o.field_split_pattern->empty()) {
    return Status::InvalidArgument("option 'field_split_pattern' must be a non-empty string");
  }
  if (o.value_split_pattern && o.value_split_pattern->empty()) {
    return Status::InvalidArgument("option 'value_split_pattern' must be a non-empty string");
  }
  // A mistake in the user's own pattern is reported against that option, not the full regex.
  for (const auto& [name, pattern] : {std::pair{"field_split_pattern", &o.field_split_pattern},
                                      std::pair{"value_split_pattern", &o.value_split_pattern}}) {
    if (!*pattern) continue;
    auto re = RubyRegex::Compile(**pattern);
    if (!re.ok()) {
      return Status::InvalidArgument(fmt::format("option '{}': {}", name, re.status().message()));
    }
  }
  KvScanner s;
  s.strict_ = o.strict_whitespace;
  s.include_brackets_ = o.include_brackets;

  // The regex exactly as logstash-filter-kv assembles it (Ruby's (?-mix:...) wrappers become
  // plain groups).
  const bool patterns = o.field_split_pattern || o.value_split_pattern;
  std::string fsp =
      o.field_split_pattern ? "(?:" + *o.field_split_pattern + ")" : "[" + o.field_split + "]";
  std::string vsp =
      o.value_split_pattern ? "(?:" + *o.value_split_pattern + ")" : "[" + o.value_split + "]";
  if (!o.strict_whitespace) vsp = "(?: *" + vsp + " *)";
  std::string key = patterns ? "((?:\\\\.|(?!" + vsp + "|" + fsp + ").)+)"
                             : "((?:\\\\.|[^" + o.value_split + o.field_split + "])+)";
  std::string value = "(?:";
  for (const QuotePair& q : kQuotePairs) {
    if (q.bracket && !o.include_brackets) continue;
    value += QuotedCapture(q.open, q.close) + "|";
  }
  value += o.field_split_pattern ? "((?:\\\\.|(?!" + fsp + ").)+)"
                                 : "((?:\\\\.|[^" + o.field_split + "])+)";
  value += ")";
  std::string scan = key + vsp + value + "?(?:" + fsp + "|$)";
  auto re = RubyRegex::Compile(scan, o.match_limit);
  if (!re.ok()) {
    return Status::InvalidArgument(fmt::format(
        "kv split settings give an invalid regular expression: {}", re.status().message()));
  }
  s.regex_ = std::move(re).value();

  if (!patterns) {
    auto f = CharClass::Parse(o.field_split);
    auto v = CharClass::Parse(o.value_split);
    auto k = CharClass::Parse(o.value_split + o.field_split);
    // The byte scanner needs the key class to be exactly "value split or field split"; odd
    // spellings ("a-" + "z" forming a range) keep the regex.
    if (f && v && k && !f->empty() && !v->empty() && *k == (*f | *v)) {
      s.fast_ = true;
      s.field_split_ = *f;
      s.value_split_ = *v;
      s.key_stop_ = *k;
    }
  }
  return s;
}

bool KvScanner::UsesFastPath(std::string_view text) const {
  // A backslash escapes the next character in keys and values; only the regex reproduces how
  // that interacts with backtracking.
  return fast_ && std::memchr(text.data(), '\\', text.size()) == nullptr;
}

KvScanner::Outcome KvScanner::Scan(std::string_view text, std::vector<KvPair>* out) const {
  if (UsesFastPath(text)) {
    ScanFast(text, out);
    return Outcome::kOk;
  }
  return ScanWithRegex(text, out);
}

// The regex's behaviour, derived once for text without backslashes:
//  - a key is a maximal run of characters outside value_split+field_split; backtracking into it
//    never helps, so a failed attempt resumes after the run;
//  - lenient mode allows spaces around the value split; the run of spaces after it is taken
//    whole, because what follows always matches (a plain value or the empty alternative);
//  - a quoted or bracketed value must be followed by a field split or the end of a line, else
//    the plain alternative (everything up to the next field split) applies;
//  - the match consumes one field-split character after the value.
void KvScanner::ScanFast(std::string_view s, std::vector<KvPair>* out) const {
  const size_t n = s.size();
  const char* d = s.data();
  size_t pos = 0;
  while (pos < n) {
    if (key_stop_.Contains(d[pos])) {
      ++pos;
      continue;
    }
    const size_t key_begin = pos;
    size_t k = pos + 1;
    while (k < n && !key_stop_.Contains(d[k])) ++k;
    size_t p = k;
    if (!strict_) {
      while (p < n && d[p] == ' ') ++p;
    }
    if (p >= n || !value_split_.Contains(d[p])) {
      pos = k + 1;  // every start inside this run fails the same way
      continue;
    }
    ++p;
    if (!strict_) {
      while (p < n && d[p] == ' ') ++p;
    }
    KvPair pair;
    pair.key = s.substr(key_begin, k - key_begin);
    size_t end = std::string_view::npos;
    if (p < n) {
      for (const QuotePair& q : kQuotePairs) {
        if (d[p] != q.open) continue;
        if (q.bracket && !include_brackets_) break;
        const void* close = std::memchr(d + p + 1, q.close, n - p - 1);
        if (close == nullptr) break;
        size_t c = static_cast<size_t>(static_cast<const char*>(close) - d);
        size_t after = c + 1;
        if (after < n && field_split_.Contains(d[after])) {
          end = after + 1;
        } else if (after == n || d[after] == '\n') {
          end = after;  // `$`: end of a line, nothing consumed
        } else {
          break;  // not followed by a separator: the plain value applies
        }
        pair.has_value = c > p + 1;
        if (pair.has_value) pair.value = s.substr(p + 1, c - p - 1);
        break;
      }
    }
    if (end == std::string_view::npos) {
      size_t run = p;
      while (run < n && !field_split_.Contains(d[run])) ++run;
      pair.has_value = run > p;
      if (pair.has_value) pair.value = s.substr(p, run - p);
      end = run < n ? run + 1 : n;
    }
    out->push_back(pair);
    pos = end;
  }
}

KvScanner::Outcome KvScanner::ScanWithRegex(std::string_view s, std::vector<KvPair>* out) const {
  size_t start = 0;
  RubyRegex::Groups g;
  while (start <= s.size()) {
    RubyRegex::Outcome o = regex_.Search(s, start, &g);
    if (o == RubyRegex::Outcome::kLimitExceeded) return Outcome::kLimitExceeded;
    if (o == RubyRegex::Outcome::kNoMatch) break;
    KvPair pair;
    pair.key = g.view(s, 1);
    // Logstash takes the first capture after the key that matched (`compact.first`).
    for (size_t i = 2; i < g.count(); ++i) {
      if (g.has(i)) {
        pair.value = g.view(s, i);
        pair.has_value = true;
        break;
      }
    }
    out->push_back(pair);
    start = g.end(0) > g.begin(0) ? g.end(0) : g.end(0) + 1;
  }
  return Outcome::kOk;
}

}  // namespace perimeter
