#include "filters/grok/grok_debugger.h"

#include <fmt/format.h>

#include "filters/grok/grok_expander.h"
#include "filters/grok/grok_filter.h"
#include "filters/grok/grok_pattern.h"
#include "pipeline/plugin_config.h"

namespace perimeter::grok {

namespace {

// Prefixes tried when looking for where a line stops matching; each is a full compile, and a
// pattern longer than this is better debugged in pieces.
constexpr size_t kMaxPrefixAttempts = 2000;

// Where the pattern text may be cut into a syntactically complete prefix, and how many groups
// are open there (closed with ')' before compiling the prefix).
struct CutPoint {
  size_t length;
  int open_groups;
};

std::vector<CutPoint> CutPoints(std::string_view p) {
  std::vector<CutPoint> cuts;
  int depth = 0;
  bool in_class = false;
  size_t i = 0;
  while (i < p.size()) {
    GrokReference ref;
    if (!in_class && p.compare(i, 2, "%{") == 0 && FindGrokReference(p, i, &ref) &&
        ref.begin == i) {
      i = ref.end;
    } else if (p[i] == '\\') {
      i += 2;
    } else if (in_class) {
      if (p[i] == ']') in_class = false;
      ++i;
    } else if (p[i] == '[') {
      in_class = true;
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      if (i < p.size() && p[i] == ']') ++i;
    } else if (p[i] == '(') {
      ++depth;
      ++i;
      // A group's header ("(?<name>", "(?:") is not a place to cut.
      if (i < p.size() && p[i] == '?') {
        size_t close = p.find_first_of(">:)'", i);
        if (close != std::string_view::npos && p[close] != ')') i = close + 1;
      }
    } else if (p[i] == ')') {
      --depth;
      ++i;
    } else {
      ++i;
      // Do not cut between an atom and its quantifier.
      while (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) ++i;
      if (i < p.size() && p[i] == '{') {
        size_t close = p.find('}', i);
        if (close != std::string_view::npos) i = close + 1;
      }
    }
    if (!in_class && depth >= 0 && i <= p.size()) cuts.push_back({std::min(i, p.size()), depth});
  }
  return cuts;
}

void AppendFields(const Object& o, const std::string& prefix, bool top,
                  std::vector<std::pair<std::string, const Value*>>* out) {
  for (size_t i = 0; i < o.size(); ++i) {
    if (top && (o.key(i) == "message" || o.key(i) == "@timestamp" || o.key(i) == "@version")) {
      continue;
    }
    std::string key = top ? o.key(i) : prefix + "[" + o.key(i) + "]";
    if (o.value(i).is_object()) {
      AppendFields(o.value(i).as_object(), top ? "[" + o.key(i) + "]" : key, false, out);
    } else {
      out->emplace_back(key, &o.value(i));
    }
  }
}

}  // namespace

int RunGrokDebugger(const std::string& pattern, const std::vector<std::string>& lines,
                    const GrokDebuggerOptions& options, std::ostream& out) {
  Object config;
  Object match;
  match.Set("message", pattern);
  config.Set("match", std::move(match));
  Array dirs;
  for (const auto& d : options.patterns_dirs) dirs.emplace_back(d);
  config.Set("patterns_dir", std::move(dirs));
  config.Set("patterns_files_glob", options.patterns_files_glob);
  Object defs;
  for (const auto& [name, regex] : options.pattern_definitions) defs.Set(name, regex);
  config.Set("pattern_definitions", std::move(defs));
  config.Set("named_captures_only", options.named_captures_only);
  config.Set("keep_empty_captures", options.keep_empty_captures);
  config.Set("ecs_compatibility", options.ecs_compatibility);
  config.Set("tag_on_failure", Array{});

  auto validated = PluginConfig::FromObject(kGrokFilter, config);
  if (!validated.ok()) {
    out << "error: " << validated.status().message() << "\n";
    return 2;
  }
  auto plugin = GrokFilter::Create(*validated, PluginContext{});
  if (!plugin.ok()) {
    out << "error: " << plugin.status().message() << "\n";
    return 2;
  }
  auto* filter = static_cast<GrokFilter*>(plugin->get());

  // The library the filter used, for compiling prefixes of the pattern.
  auto library = PatternLibrary::Builtin(options.ecs_compatibility);
  if (!library.ok()) {
    out << "error: " << library.status().message() << "\n";
    return 2;
  }
  for (const auto& d : options.patterns_dirs) {
    if (Status st = library->AddDirectory(d, options.patterns_files_glob); !st.ok()) {
      out << "error: " << st.message() << "\n";
      return 2;
    }
  }
  for (const auto& [name, regex] : options.pattern_definitions) library->Add(name, regex);

  if (options.show_expanded) {
    const GrokPattern& g = filter->pattern(0, 0);
    out << "expanded (Oniguruma): " << g.expanded() << "\n";
    out << "compiled (PCRE2" << (g.jit() ? ", JIT" : "") << "): " << g.pcre2_regex() << "\n";
  }

  int status = 0;
  std::vector<CutPoint> cuts;
  for (size_t n = 0; n < lines.size(); ++n) {
    Event event = Event::FromMessage(lines[n], Timestamp(0));
    bool matched = filter->Filter(event);
    std::vector<std::pair<std::string, const Value*>> fields;
    if (matched) {
      AppendFields(event.fields(), "", true, &fields);
      AppendFields(event.metadata(), "[@metadata]", false, &fields);
      if (options.json) {
        std::string json = "{";
        for (size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) json += ',';
          AppendJsonString(fields[i].first, &json);
          json += ':';
          fields[i].second->AppendJson(&json);
        }
        out << json << "}\n";
      } else {
        out << "line " << n + 1 << ": match\n";
        for (const auto& [key, value] : fields)
          out << "  " << key << " => " << value->ToJson() << "\n";
      }
      continue;
    }
    status = 1;
    if (event.HasTag("_groktimeout")) {
      out << (options.json
                  ? fmt::format("{{\"line\":{},\"match\":false,\"timeout\":true}}\n", n + 1)
                  : fmt::format("line {}: timeout (the pattern backtracks too much)\n", n + 1));
      continue;
    }
    // Longest prefix of the pattern that still matches the line.
    if (cuts.empty()) cuts = CutPoints(pattern);
    size_t best = 0;
    size_t match_begin = 0;
    size_t match_end = 0;
    MatchScratch& scratch = MatchScratch::ForThisThread();
    size_t attempts = 0;
    for (auto it = cuts.rbegin(); it != cuts.rend() && attempts < kMaxPrefixAttempts; ++it) {
      ++attempts;
      std::string prefix = pattern.substr(0, it->length) + std::string(it->open_groups, ')');
      auto g = GrokPattern::Compile(prefix, *library, options.named_captures_only);
      if (!g.ok()) continue;
      if ((*g)->Match(lines[n], scratch) != MatchOutcome::kMatch) continue;
      best = it->length;
      match_begin = scratch.ovector()[0];
      match_end = scratch.ovector()[1];
      break;
    }
    std::string_view line = lines[n];
    std::string_view rest = line.substr(match_end);
    std::string_view pattern_rest = std::string_view(pattern).substr(best);
    if (options.json) {
      std::string json = fmt::format("{{\"line\":{},\"match\":false,\"matched_prefix\":", n + 1);
      AppendJsonString(std::string_view(pattern).substr(0, best), &json);
      json += fmt::format(",\"prefix_matched_from\":{},\"stopped_at\":{},\"pattern_rest\":",
                          match_begin, match_end);
      AppendJsonString(pattern_rest, &json);
      json += ",\"line_rest\":";
      AppendJsonString(rest, &json);
      out << json << "}\n";
    } else {
      out << "line " << n + 1 << ": no match\n";
      if (best == 0) {
        out << "  not even the start of the pattern matches anywhere in the line\n";
      } else {
        out << "  longest matching prefix: " << pattern.substr(0, best) << "\n";
        out << "  it matched offsets " << match_begin << ".." << match_end << ": \""
            << line.substr(match_begin, match_end - match_begin) << "\"\n";
      }
      out << "  matching stopped at offset " << match_end << ": \"" << rest << "\"\n";
      out << "  where this part of the pattern failed: " << pattern_rest << "\n";
    }
  }
  return status;
}

}  // namespace perimeter::grok
