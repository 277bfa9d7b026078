#include "filters/ruby_regex.h"

#include <fmt/format.h>

#include <algorithm>

namespace perimeter {

namespace {

// One match-data block per thread, grown to the largest pattern it has served, so a search
// allocates nothing once a worker has warmed up.
class ThreadMatchData {
 public:
  ~ThreadMatchData() {
    if (data_ != nullptr) pcre2_match_data_free(data_);
  }
  pcre2_match_data* For(size_t pairs) {
    if (data_ == nullptr || pairs > pairs_) {
      if (data_ != nullptr) pcre2_match_data_free(data_);
      pairs_ = std::max<size_t>(pairs, 16);
      data_ = pcre2_match_data_create(static_cast<uint32_t>(pairs_), nullptr);
    }
    return data_;
  }

 private:
  pcre2_match_data* data_ = nullptr;
  size_t pairs_ = 0;
};

thread_local ThreadMatchData tls_match_data;

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

Result<RubyRegex> RubyRegex::Compile(std::string_view pattern, uint32_t match_limit) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // Ruby's ^ and $ always match at line breaks; Logstash text is UTF-8 but may be invalid, which
  // PCRE2_MATCH_INVALID_UTF tolerates instead of failing the match.
  const uint32_t options = PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    return Status::InvalidArgument(fmt::format("invalid regular expression '{}' at offset {}: {}",
                                               pattern, offset,
                                               reinterpret_cast<const char*>(message)));
  }
  RubyRegex re;
  re.pattern_ = std::string(pattern);
  re.code_ = std::shared_ptr<pcre2_code>(code, CodeDeleter());
  // The JIT is an optimisation: when it is unavailable the interpreter gives the same answers.
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  uint32_t captures = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures);
  re.capture_count_ = captures;
  if (match_limit > 0) {
    pcre2_match_context* ctx = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(ctx, match_limit);
    re.context_ = std::shared_ptr<pcre2_match_context>(ctx, ContextDeleter());
  }
  return re;
}

bool RubyRegex::Groups::has(size_t i) const { return i < count_ && ovector_[2 * i] != PCRE2_UNSET; }

RubyRegex::Outcome RubyRegex::Search(std::string_view subject, size_t start, Groups* groups) const {
  pcre2_match_data* md = tls_match_data.For(capture_count_ + 1);
  int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                       start, 0, md, context_.get());
  if (rc == PCRE2_ERROR_NOMATCH) return Outcome::kNoMatch;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    return Outcome::kLimitExceeded;
  }
  if (rc < 0) return Outcome::kNoMatch;  // e.g. a start offset past the end
  groups->ovector_ = pcre2_get_ovector_pointer(md);
  groups->count_ = capture_count_ + 1;
  return Outcome::kMatch;
}

void RubyRegex::AppendReplacement(std::string_view subject, const Groups& g,
                                  std::string_view replacement, std::string* out) const {
  auto append_group = [&](size_t i) {
    if (g.has(i)) out->append(g.view(subject, i));
  };
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c != '\\' || i + 1 == replacement.size()) {
      out->push_back(c);
      continue;
    }
    char n = replacement[++i];
    if (n >= '0' && n <= '9') {
      append_group(static_cast<size_t>(n - '0'));
    } else if (n == '&') {
      append_group(0);
    } else if (n == '`') {
      out->append(subject.substr(0, g.begin(0)));
    } else if (n == '\'') {
      out->append(subject.substr(g.end(0)));
    } else if (n == '\\') {
      out->push_back('\\');
    } else if (n == 'k' && i + 1 < replacement.size() && replacement[i + 1] == '<') {
      size_t close = replacement.find('>', i + 2);
      if (close == std::string_view::npos) {
        out->append("\\k");
        continue;
      }
      std::string name(replacement.substr(i + 2, close - i - 2));
      int number =
          pcre2_substring_number_from_name(code_.get(), reinterpret_cast<PCRE2_SPTR>(name.c_str()));
      if (number > 0) append_group(static_cast<size_t>(number));
      i = close;
    } else {
      // Ruby keeps an unknown escape as written.
      out->push_back('\\');
      out->push_back(n);
    }
  }
}

bool RubyRegex::ReplaceAll(std::string_view subject, std::string_view replacement,
                           std::string* out) const {
  out->clear();
  size_t copied = 0;  // subject[0, copied) is already in *out
  size_t start = 0;
  Groups g;
  while (start <= subject.size()) {
    Outcome o = Search(subject, start, &g);
    if (o == Outcome::kLimitExceeded) return false;
    if (o == Outcome::kNoMatch) break;
    size_t mb = g.begin(0), me = g.end(0);
    out->append(subject.substr(copied, mb - copied));
    AppendReplacement(subject, g, replacement, out);
    copied = me;
    if (me == mb) {
      // An empty match: keep the next character and search after it, as Ruby does.
      if (me >= subject.size()) break;
      size_t len =
          std::min(Utf8Length(static_cast<unsigned char>(subject[me])), subject.size() - me);
      out->append(subject.substr(me, len));
      copied = me + len;
      start = me + len;
    } else {
      start = me;
    }
  }
  if (copied < subject.size()) out->append(subject.substr(copied));
  return true;
}

}  // namespace perimeter
