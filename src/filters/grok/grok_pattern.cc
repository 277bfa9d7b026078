#include "filters/grok/grok_pattern.h"

#include <fmt/format.h>

#include <algorithm>

#include "filters/grok/grok_expander.h"
#include "filters/grok/onig_translator.h"

namespace perimeter::grok {

namespace {

// Initial JIT stack; PCRE2 grows it on demand up to kMaxJitStackBytes.
constexpr size_t kJitStackStartBytes = 32 << 10;
// The interpreter (used only when JIT compilation fails) gets the same budget as heap.
constexpr uint32_t kHeapLimitKib = 64 << 10;
// Nested backtracking depth for the interpreter; JIT is bounded by its stack instead.
constexpr uint32_t kDepthLimit = 100'000;

// Ruby's String#split(":") as jls-grok applies it to a capture name: trailing empty parts dropped.
std::vector<std::string_view> SplitColons(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = name.find(':', start);
    if (colon == std::string_view::npos) {
      parts.push_back(name.substr(start));
      break;
    }
    parts.push_back(name.substr(start, colon - start));
    start = colon + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

std::string Pcre2Error(int code) {
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof(buf));
  return reinterpret_cast<const char*>(buf);
}

}  // namespace

MatchScratch::MatchScratch() = default;

MatchScratch::~MatchScratch() {
  pcre2_match_data_free(data_);
  pcre2_match_context_free(context_);
  pcre2_jit_stack_free(jit_stack_);
}

MatchScratch& MatchScratch::ForThisThread() {
  thread_local MatchScratch scratch;
  return scratch;
}

pcre2_match_data* MatchScratch::data(uint32_t pairs) {
  if (pairs > pairs_) {
    pcre2_match_data_free(data_);
    pairs_ = std::max<uint32_t>(pairs, 64);  // most patterns then share one allocation
    data_ = pcre2_match_data_create(pairs_, nullptr);
    ovector_ = pcre2_get_ovector_pointer(data_);
  }
  return data_;
}

pcre2_match_context* MatchScratch::context(uint32_t match_limit) {
  if (context_ == nullptr) {
    context_ = pcre2_match_context_create(nullptr);
    jit_stack_ = pcre2_jit_stack_create(kJitStackStartBytes, kMaxJitStackBytes, nullptr);
    pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
    pcre2_set_depth_limit(context_, kDepthLimit);
    pcre2_set_heap_limit(context_, kHeapLimitKib);
  }
  if (match_limit != limit_) {
    pcre2_set_match_limit(context_, match_limit);
    limit_ = match_limit;
  }
  return context_;
}

GrokPattern::~GrokPattern() { pcre2_code_free(code_); }

Result<std::unique_ptr<GrokPattern>> GrokPattern::Compile(std::string_view pattern,
                                                          const PatternLibrary& library,
                                                          bool named_captures_only) {
  auto expanded = ExpandGrok(pattern, library, named_captures_only);
  if (!expanded.ok()) {
    return Status::InvalidArgument(
        fmt::format("grok pattern \"{}\": {}", pattern, expanded.status().message()));
  }
  return CompileExpanded(std::string(pattern), std::move(expanded).value());
}

Result<std::unique_ptr<GrokPattern>> GrokPattern::CompileExpanded(std::string pattern,
                                                                  std::string expanded) {
  auto translated = TranslateOnigToPcre2(expanded);
  if (!translated.ok()) {
    return Status::InvalidArgument(
        fmt::format("grok pattern \"{}\": {}", pattern, translated.status().message()));
  }
  std::unique_ptr<GrokPattern> g(new GrokPattern());
  g->pattern_ = std::move(pattern);
  g->expanded_ = std::move(expanded);
  g->pcre2_ = std::move(translated->pcre2);

  // Ruby's MULTILINE: '.' matches a newline; '^'/'$' are always line anchors in Ruby.
  uint32_t options = PCRE2_DOTALL | PCRE2_MULTILINE;
  if (translated->duplicate_names) options |= PCRE2_DUPNAMES;
  if (translated->needs_utf) options |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  g->code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(g->pcre2_.data()), g->pcre2_.size(),
                           options, &err, &err_offset, nullptr);
  if (g->code_ == nullptr) {
    size_t from = err_offset > 30 ? err_offset - 30 : 0;
    return Status::InvalidArgument(fmt::format(
        "grok pattern \"{}\" does not compile: {} at offset {} of the expanded regex, near "
        "\"{}\"; check the regex syntax of the pattern and of the definitions it uses",
        g->pattern_, Pcre2Error(err), err_offset,
        std::string_view(g->pcre2_).substr(from, std::min<size_t>(60, g->pcre2_.size() - from))));
  }
  g->jit_ = pcre2_jit_compile(g->code_, PCRE2_JIT_COMPLETE) == 0;
  uint32_t groups = 0;
  pcre2_pattern_info(g->code_, PCRE2_INFO_CAPTURECOUNT, &groups);
  g->pairs_ = groups + 1;

  // jls-grok walks Regexp#named_captures: each distinct name in order of first appearance, then
  // every group of that name. Only the first group of a name gets the :int/:float conversion
  // (the coercion variable is overwritten in its loop; logstash-filter-grok issue 165).
  const auto& names = translated->group_names;
  for (const std::string& name : translated->distinct_names) {
    std::vector<std::string_view> parts = SplitColons(name);
    std::string_view field = parts.size() >= 2 ? parts[1] : (parts.empty() ? "" : parts[0]);
    Conversion conversion = Conversion::kNone;
    if (parts.size() >= 3) {
      if (parts[2] == "int") conversion = Conversion::kInt;
      if (parts[2] == "float") conversion = Conversion::kFloat;
    }
    bool first = true;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] != name) continue;
      GrokCapture c;
      c.group = static_cast<uint32_t>(i + 1);
      c.field_text = std::string(field);
      auto ref = FieldRef::Parse(field);
      c.field_valid = ref.ok();
      if (ref.ok()) c.field = std::move(ref).value();
      c.conversion = first ? conversion : Conversion::kNone;
      first = false;
      g->captures_.push_back(std::move(c));
    }
  }
  return g;
}

MatchOutcome GrokPattern::Match(std::string_view subject, MatchScratch& scratch,
                                uint32_t match_limit) const {
  pcre2_match_data* data = scratch.data(pairs_);
  pcre2_match_context* context = scratch.context(match_limit);
  auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
  int rc = jit_ ? pcre2_jit_match(code_, text, subject.size(), 0, 0, data, context)
                : pcre2_match(code_, text, subject.size(), 0, 0, data, context);
  if (rc >= 0) return MatchOutcome::kMatch;
  switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
    case PCRE2_ERROR_NOMEMORY:
      return MatchOutcome::kLimitExceeded;
    default:
      return MatchOutcome::kNoMatch;
  }
}

}  // namespace perimeter::grok
