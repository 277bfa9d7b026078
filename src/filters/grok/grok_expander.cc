#include "filters/grok/grok_expander.h"

#include <fmt/format.h>

#include <unordered_map>
#include <vector>

namespace perimeter::grok {

namespace {

// jls-grok's pattern name class [A-z0-9]: 'A'..'z' also takes [ \ ] ^ _ and the backquote.
bool IsNameChar(char c) { return (c >= 'A' && c <= 'z') || (c >= '0' && c <= '9'); }
// ...and its semantic class [@\[\]A-z0-9_:.-].
bool IsSemanticChar(char c) {
  return IsNameChar(c) || c == '@' || c == ':' || c == '.' || c == '-';
}

// The end of an inline definition starting at `i` (just after '='): balanced braces, backslash
// escapes skipped. Returns the offset of the '}' that closes the reference, or npos.
size_t DefinitionEnd(std::string_view text, size_t i) {
  int depth = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth == 0) return i;
      --depth;
    }
  }
  return std::string_view::npos;
}

class Expander {
 public:
  Expander(const PatternLibrary& library, bool named_captures_only)
      : library_(library), named_captures_only_(named_captures_only) {}

  Status Expand(std::string_view text, std::string* out) {
    size_t pos = 0;
    GrokReference ref;
    while (FindGrokReference(text, pos, &ref)) {
      out->append(text.substr(pos, ref.begin - pos));
      pos = ref.end;
      if (ref.has_definition) {
        inline_defs_[std::string(ref.name)] = std::string(ref.definition);
        cache_.clear();  // expansions made before may have used the old definition
      }
      const std::string* body = Lookup(ref.name);
      if (body == nullptr) {
        return Status::NotFound(fmt::format(
            "grok pattern %{{{}}} is not defined; define it in a patterns_dir file or in "
            "pattern_definitions, or check ecs_compatibility (built-in names differ little, but "
            "some exist in one flavour only)",
            ref.name));
      }
      if (named_captures_only_ && ref.full_name.find(':') == std::string_view::npos) {
        out->append("(?:");
      } else {
        out->append("(?<").append(ref.full_name).append(">");
      }
      RETURN_IF_ERROR(ExpandName(std::string(ref.name), *body, out));
      out->push_back(')');
      if (out->size() > kMaxExpandedBytes) {
        return Status::InvalidArgument(fmt::format(
            "grok pattern expands to more than {} bytes; a pattern referencing others several "
            "times per level grows exponentially — simplify the definitions",
            kMaxExpandedBytes));
      }
    }
    out->append(text.substr(pos));
    return Status::OK();
  }

 private:
  const std::string* Lookup(std::string_view name) const {
    auto it = inline_defs_.find(std::string(name));
    if (it != inline_defs_.end()) return &it->second;
    return library_.Find(name);
  }

  // A name's expansion does not depend on where it is used, so each is expanded once.
  Status ExpandName(const std::string& name, const std::string& body, std::string* out) {
    if (auto it = cache_.find(name); it != cache_.end()) {
      out->append(it->second);
      return Status::OK();
    }
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i] != name) continue;
      std::string chain;
      for (size_t j = i; j < stack_.size(); ++j) chain += stack_[j] + " -> ";
      return Status::InvalidArgument(
          fmt::format("grok pattern {} is recursive: {}{}; a pattern may not refer to itself", name,
                      chain, name));
    }
    stack_.push_back(name);
    std::string expanded;
    Status st = Expand(body, &expanded);
    stack_.pop_back();
    RETURN_IF_ERROR(st);
    out->append(expanded);
    cache_.emplace(name, std::move(expanded));
    return Status::OK();
  }

  const PatternLibrary& library_;
  bool named_captures_only_;
  std::unordered_map<std::string, std::string> inline_defs_;
  std::unordered_map<std::string, std::string> cache_;
  std::vector<std::string> stack_;
};

}  // namespace

bool FindGrokReference(std::string_view text, size_t from, GrokReference* ref) {
  for (size_t at = text.find("%{", from); at != std::string_view::npos;
       at = text.find("%{", at + 1)) {
    size_t i = at + 2;
    size_t name_begin = i;
    while (i < text.size() && IsNameChar(text[i])) ++i;
    if (i == name_begin) continue;
    size_t name_end = i;
    size_t semantic_begin = i;
    size_t semantic_end = i;
    if (i + 1 < text.size() && text[i] == ':' && IsSemanticChar(text[i + 1])) {
      semantic_begin = ++i;
      while (i < text.size() && IsSemanticChar(text[i])) ++i;
      semantic_end = i;
    }
    size_t full_end = i;
    bool has_definition = false;
    size_t def_begin = i;
    size_t close;
    if (i < text.size() && text[i] == '=') {
      has_definition = true;
      def_begin = i + 1;
      close = DefinitionEnd(text, def_begin);
    } else {
      close = text.find('}', i);  // anything up to '}' is ignored, as jls-grok's [^}]*
    }
    if (close == std::string_view::npos) return false;
    ref->begin = at;
    ref->end = close + 1;
    ref->name = text.substr(name_begin, name_end - name_begin);
    ref->semantic = text.substr(semantic_begin, semantic_end - semantic_begin);
    ref->full_name = text.substr(name_begin, full_end - name_begin);
    ref->has_definition = has_definition;
    ref->definition =
        has_definition ? text.substr(def_begin, close - def_begin) : std::string_view();
    return true;
  }
  return false;
}

Result<std::string> ExpandGrok(std::string_view pattern, const PatternLibrary& library,
                               bool named_captures_only) {
  Expander expander(library, named_captures_only);
  std::string out;
  RETURN_IF_ERROR(expander.Expand(pattern, &out));
  return out;
}

}  // namespace perimeter::grok
