#include "query/event_matcher.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <compare>
#include <cstring>
#include <optional>

#include "core/text_tokens.h"

namespace perimeter::query {

namespace {

std::optional<double> ParseNumber(std::string_view s) {
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

}  // namespace

bool ParseIpAddress(std::string_view text, unsigned char out[16]) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  unsigned char v4[4];
  if (inet_pton(AF_INET, buf, v4) == 1) {
    std::memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    std::memcpy(out + 12, v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, buf, out) == 1;
}

bool Cidr::Parse(std::string_view text, Cidr* out) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view addr = text.substr(0, slash);
  int bits = 0;
  auto len = text.substr(slash + 1);
  auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
  if (ec != std::errc() || p != len.data() + len.size()) return false;
  if (!ParseIpAddress(addr, out->network)) return false;
  bool v4 = addr.find(':') == std::string_view::npos;
  if (bits < 0 || bits > (v4 ? 32 : 128)) return false;
  out->prefix_bits = v4 ? bits + 96 : bits;
  return true;
}

bool Cidr::Contains(const unsigned char ip[16]) const {
  int full = prefix_bits / 8;
  if (std::memcmp(ip, network, static_cast<size_t>(full)) != 0) return false;
  int rest = prefix_bits % 8;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (ip[full] & mask) == (network[full] & mask);
}

bool WildcardMatch(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

const Value* LookupDotted(const Event& event, std::string_view dotted) {
  const Object* obj = &event.fields();
  size_t start = 0;
  for (;;) {
    size_t dot = dotted.find('.', start);
    std::string_view part =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    const Value* v = obj->Find(part);
    if (dot == std::string_view::npos) {
      if (v != nullptr) return v;
      break;
    }
    if (v == nullptr || !v->is_object()) break;
    obj = &v->as_object();
    start = dot + 1;
  }
  return event.fields().Find(dotted);
}

struct EventMatcher::Clause {
  QueryNode::Kind kind;
  std::string field;  // dotted; "message" for the default field
  bool text_field = false;
  std::string text;
  std::vector<std::string> tokens;  // text search
  std::optional<double> number;
  bool is_cidr = false;
  Cidr cidr{};
  bool is_ip = false;
  unsigned char ip[16] = {};
  RangeBound lower, upper;
  std::optional<double> lower_num, upper_num;
  std::vector<std::unique_ptr<Clause>> children;

  bool Eval(const Event& e) const {
    switch (kind) {
      case QueryNode::Kind::kMatchAll:
        return true;
      case QueryNode::Kind::kAnd:
        for (const auto& c : children) {
          if (!c->Eval(e)) return false;
        }
        return true;
      case QueryNode::Kind::kOr:
        for (const auto& c : children) {
          if (c->Eval(e)) return true;
        }
        return false;
      case QueryNode::Kind::kNot:
        return !children[0]->Eval(e);
      case QueryNode::Kind::kExists: {
        const Value* v = LookupDotted(e, field);
        return v != nullptr && !v->is_null();
      }
      default:
        break;
    }
    const Value* v = LookupDotted(e, field);
    if (v == nullptr) return false;
    if (v->is_array()) {
      for (const Value& x : v->as_array()) {
        if (MatchValue(x)) return true;
      }
      return false;
    }
    return MatchValue(*v);
  }

  bool MatchText(const std::string& s) const {
    if (tokens.empty()) return kind == QueryNode::Kind::kWildcard && WildcardMatch(text, s);
    std::vector<std::string> have = Tokenize(s);
    if (kind == QueryNode::Kind::kWildcard) {
      for (const auto& t : have) {
        if (WildcardMatch(tokens[0], t)) return true;
      }
      return false;
    }
    for (size_t i = 0; i + tokens.size() <= have.size(); ++i) {
      size_t k = 0;
      while (k < tokens.size() && have[i + k] == tokens[k]) ++k;
      if (k == tokens.size()) return true;
    }
    return false;
  }

  bool MatchValue(const Value& v) const {
    switch (kind) {
      case QueryNode::Kind::kTerm:
      case QueryNode::Kind::kPhrase:
        if (v.is_number()) return number && v.as_number() == *number;
        if (v.is_bool()) return text == (v.as_bool() ? "true" : "false");
        if (v.is_string()) {
          if (text_field) return MatchText(v.as_string());
          if (is_cidr || is_ip) {
            unsigned char addr[16];
            if (ParseIpAddress(v.as_string(), addr)) {
              return is_cidr ? cidr.Contains(addr) : std::memcmp(addr, ip, 16) == 0;
            }
          }
          return v.as_string() == text;
        }
        if (v.is_timestamp()) {
          auto t = Timestamp::ParseIso8601(text);
          return t && *t == v.as_timestamp();
        }
        return false;
      case QueryNode::Kind::kWildcard:
        if (!v.is_string() && !v.is_number()) return false;
        if (text_field && v.is_string()) return MatchText(v.as_string());
        return WildcardMatch(text, v.ToText());
      case QueryNode::Kind::kRange:
        return InRange(v);
      default:
        return false;
    }
  }

  bool InRange(const Value& v) const {
    auto cmp_ok = [&](std::partial_ordering c, const RangeBound& b, bool lower_side) {
      if (b.unbounded) return true;
      if (c == std::partial_ordering::unordered) return false;
      if (lower_side) return b.inclusive ? std::is_gteq(c) : std::is_gt(c);
      return b.inclusive ? std::is_lteq(c) : std::is_lt(c);
    };
    if (v.is_number()) {
      auto c_lo = lower.unbounded ? std::partial_ordering::equivalent
                  : lower_num     ? v.as_number() <=> *lower_num
                                  : std::partial_ordering::unordered;
      auto c_hi = upper.unbounded ? std::partial_ordering::equivalent
                  : upper_num     ? v.as_number() <=> *upper_num
                                  : std::partial_ordering::unordered;
      return cmp_ok(c_lo, lower, true) && cmp_ok(c_hi, upper, false);
    }
    if (v.is_timestamp()) {
      auto bound = [&](const RangeBound& b) -> std::partial_ordering {
        if (b.unbounded) return std::partial_ordering::equivalent;
        auto t = Timestamp::ParseIso8601(b.value);
        if (!t) return std::partial_ordering::unordered;
        return v.as_timestamp() <=> *t;
      };
      return cmp_ok(bound(lower), lower, true) && cmp_ok(bound(upper), upper, false);
    }
    if (v.is_string()) {
      auto c_lo = lower.unbounded ? std::partial_ordering::equivalent
                                  : v.as_string().compare(lower.value) <=> 0;
      auto c_hi = upper.unbounded ? std::partial_ordering::equivalent
                                  : v.as_string().compare(upper.value) <=> 0;
      return cmp_ok(c_lo, lower, true) && cmp_ok(c_hi, upper, false);
    }
    return false;
  }
};

namespace {

std::unique_ptr<EventMatcher::Clause> Build(const QueryNode& n) {
  auto c = std::make_unique<EventMatcher::Clause>();
  c->kind = n.kind;
  c->field = n.field.empty() ? "message" : n.field;
  c->text_field = c->field == "message";
  c->text = n.text;
  c->lower = n.lower;
  c->upper = n.upper;
  if (n.kind == QueryNode::Kind::kTerm || n.kind == QueryNode::Kind::kPhrase ||
      n.kind == QueryNode::Kind::kWildcard) {
    if (c->text_field) {
      if (n.kind == QueryNode::Kind::kWildcard) {
        std::string lower;
        for (char ch : n.text)
          lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        c->tokens.push_back(lower);
      } else {
        c->tokens = Tokenize(n.text);
      }
    }
    c->number = ParseNumber(n.text);
    c->is_cidr = Cidr::Parse(n.text, &c->cidr);
    c->is_ip = !c->is_cidr && ParseIpAddress(n.text, c->ip);
  }
  if (n.kind == QueryNode::Kind::kRange) {
    if (!n.lower.unbounded) c->lower_num = ParseNumber(n.lower.value);
    if (!n.upper.unbounded) c->upper_num = ParseNumber(n.upper.value);
  }
  for (const auto& child : n.children) c->children.push_back(Build(*child));
  return c;
}

}  // namespace

EventMatcher::EventMatcher() = default;
EventMatcher::EventMatcher(EventMatcher&&) noexcept = default;
EventMatcher& EventMatcher::operator=(EventMatcher&&) noexcept = default;
EventMatcher::~EventMatcher() = default;

Result<EventMatcher> EventMatcher::Compile(const QueryNode& query) {
  EventMatcher m;
  m.root_ = Build(query);
  return m;
}

bool EventMatcher::Matches(const Event& event) const { return root_->Eval(event); }

}  // namespace perimeter::query
