#include "filters/kv.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "filters/char_class.h"
#include "filters/kv_scanner.h"
#include "filters/ruby_regex.h"
#include "filters/ruby_string.h"
#include "filters/text_template.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

// `recursive => true` parses values that are themselves key=value lists. Each level strips at
// least the brackets of its value, so depth is bounded by the text anyway; this caps the stack
// for adversarial input like "a=(b=(c=(...".
constexpr int kMaxRecursionDepth = 16;

enum class Transform { kNone, kLowercase, kUppercase, kCapitalize };

Transform ParseTransform(const std::string& name) {
  if (name == "lowercase") return Transform::kLowercase;
  if (name == "uppercase") return Transform::kUppercase;
  if (name == "capitalize") return Transform::kCapitalize;
  return Transform::kNone;
}

void ApplyTransform(Transform t, std::string* s) {
  switch (t) {
    case Transform::kNone:
      break;
    case Transform::kLowercase:
      ruby::Downcase(s);
      break;
    case Transform::kUppercase:
      ruby::Upcase(s);
      break;
    case Transform::kCapitalize:
      ruby::Capitalize(s);
      break;
  }
}

// trim_* and remove_char_* options: a character class applied byte-wise when CharClass can
// represent it, else through the regex Logstash would use.
class CharacterFilter {
 public:
  static Result<CharacterFilter> ForTrim(const std::string& body) {
    CharacterFilter f;
    if (auto c = CharClass::Parse(body)) {
      f.chars_ = *c;
      return f;
    }
    ASSIGN_OR_RETURN(RubyRegex re, RubyRegex::Compile("^[" + body + "]+|[" + body + "]+$"));
    f.regex_ = std::move(re);
    return f;
  }
  static Result<CharacterFilter> ForRemove(const std::string& body) {
    CharacterFilter f;
    if (auto c = CharClass::Parse(body)) {
      f.chars_ = *c;
      return f;
    }
    ASSIGN_OR_RETURN(RubyRegex re, RubyRegex::Compile("[" + body + "]"));
    f.regex_ = std::move(re);
    return f;
  }

  // Trimming a view needs no copy on the byte path.
  std::string_view Trim(std::string_view s, std::string* scratch) const {
    if (chars_) {
      size_t b = 0, e = s.size();
      while (b < e && chars_->Contains(s[b])) ++b;
      while (e > b && chars_->Contains(s[e - 1])) --e;
      return s.substr(b, e - b);
    }
    return regex_->ReplaceAll(s, "", scratch) ? std::string_view(*scratch) : s;
  }
  void RemoveAll(std::string* s) const {
    if (chars_) {
      size_t w = 0;
      for (char c : *s) {
        if (!chars_->Contains(c)) (*s)[w++] = c;
      }
      s->resize(w);
      return;
    }
    std::string out;
    if (regex_->ReplaceAll(*s, "", &out)) *s = std::move(out);
  }

 private:
  std::optional<CharClass> chars_;
  std::optional<RubyRegex> regex_;
};

bool HasBracket(std::string_view key) {
  for (char c : key) {
    if (c == '[' || c == ']') return true;
  }
  return false;
}

struct Entry {
  Entry() = default;
  Entry(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}
  std::string key;
  Value value;
};

// Ruby's `collection.include?(value)` on what kv collected so far for a key: a substring test on
// a string, membership in an array, a key lookup in a hash.
bool AlreadyHas(const Value& existing, std::string_view value) {
  if (existing.is_string()) return existing.as_string().find(value) != std::string::npos;
  if (existing.is_array()) {
    for (const Value& v : existing.as_array()) {
      if (v.is_string() && v.as_string() == value) return true;
    }
    return false;
  }
  if (existing.is_object()) return existing.as_object().Find(value) != nullptr;
  return false;
}

class KvFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<Plugin>> Create(const PluginConfig& config,
                                                const PluginContext& /*context*/) {
    auto f = std::make_unique<KvFilter>();
    KvScanner::Options so;
    so.field_split = config.GetString("field_split");
    so.value_split = config.GetString("value_split");
    if (config.IsSet("field_split_pattern")) {
      so.field_split_pattern = config.GetString("field_split_pattern");
    }
    if (config.IsSet("value_split_pattern")) {
      so.value_split_pattern = config.GetString("value_split_pattern");
    }
    so.include_brackets = config.GetBool("include_brackets");
    so.strict_whitespace = config.GetString("whitespace") == "strict";
    so.match_limit = config.GetNumber("timeout_millis") > 0 ? RubyRegex::kDefaultMatchLimit : 0;
    ASSIGN_OR_RETURN(f->scanner_, KvScanner::Create(so));

    ASSIGN_OR_RETURN(f->source_, FieldRef::Parse(config.GetString("source")));
    if (config.IsSet("target")) {
      ASSIGN_OR_RETURN(FieldRef target, FieldRef::Parse(config.GetString("target")));
      f->target_ = std::move(target);
    }
    for (const char* name : {"trim_key", "trim_value", "remove_char_key", "remove_char_value"}) {
      if (!config.IsSet(name) || config.GetString(name).empty()) continue;
      std::string body = config.GetString(name);
      bool trim = std::string_view(name).starts_with("trim");
      auto filter = trim ? CharacterFilter::ForTrim(body) : CharacterFilter::ForRemove(body);
      if (!filter.ok()) {
        return Status::InvalidArgument(
            fmt::format("option '{}': {}", name, filter.status().message()));
      }
      std::string_view n(name);
      if (n == "trim_key")
        f->trim_key_ = std::move(filter).value();
      else if (n == "trim_value")
        f->trim_value_ = std::move(filter).value();
      else if (n == "remove_char_key")
        f->remove_char_key_ = std::move(filter).value();
      else if (n == "remove_char_value")
        f->remove_char_value_ = std::move(filter).value();
    }
    f->transform_key_ = ParseTransform(config.GetString("transform_key"));
    f->transform_value_ = ParseTransform(config.GetString("transform_value"));
    ASSIGN_OR_RETURN(f->prefix_, TextTemplate::Compile(config.GetString("prefix")));
    for (const std::string& k : config.GetStrings("include_keys")) {
      ASSIGN_OR_RETURN(TextTemplate t, TextTemplate::Compile(k));
      f->dynamic_keys_ = f->dynamic_keys_ || t.is_dynamic();
      f->include_keys_.push_back(std::move(t));
    }
    for (const std::string& k : config.GetStrings("exclude_keys")) {
      ASSIGN_OR_RETURN(TextTemplate t, TextTemplate::Compile(k));
      f->dynamic_keys_ = f->dynamic_keys_ || t.is_dynamic();
      f->exclude_keys_.push_back(std::move(t));
    }
    const Object& defaults = config.GetHash("default_keys");
    for (size_t i = 0; i < defaults.size(); ++i) {
      f->default_keys_.push_back({defaults.key(i), defaults.value(i)});
    }
    f->recursive_ = config.GetBool("recursive");
    f->allow_duplicate_values_ = config.GetBool("allow_duplicate_values");
    f->allow_empty_values_ = config.GetBool("allow_empty_values");
    f->tag_on_failure_ = config.GetStrings("tag_on_failure");
    f->tag_on_timeout_ = config.GetString("tag_on_timeout");
    f->direct_ = !f->target_ && f->default_keys_.empty() && !f->recursive_;
    return std::unique_ptr<Plugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    KeyLists lists = ResolveKeyLists(event);
    const Value* source = event.Get(source_);
    if (direct_ && source != nullptr && source->is_string()) return FilterDirect(event, lists);

    // Staged like Logstash: collect the hash, merge defaults, then store it.
    thread_local std::vector<KvPair> pairs;
    thread_local std::vector<Entry> entries;
    pairs.clear();
    entries.clear();
    bool timed_out = false;
    if (source != nullptr && source->is_string()) {
      timed_out = !Parse(source->as_string(), lists, 0, &pairs, &entries);
    } else if (source != nullptr && source->is_array()) {
      for (const Value& v : source->as_array()) {
        if (!v.is_string()) continue;
        pairs.clear();
        if (!Parse(v.as_string(), lists, 0, &pairs, &entries)) {
          timed_out = true;
          break;
        }
      }
    }
    if (timed_out) {
      event.AddTag(tag_on_timeout_);
      return false;
    }
    MergeDefaults(&entries);
    if (entries.empty()) return false;

    if (target_) {
      Object kv;
      kv.Reserve(entries.size());
      for (Entry& e : entries) kv.GetOrInsert(e.key) = std::move(e.value);
      event.Set(*target_, std::move(kv));
      return true;
    }
    Object& fields = event.fields();
    fields.Reserve(fields.size() + entries.size());
    for (Entry& e : entries) {
      if (!HasBracket(e.key)) {
        fields.GetOrInsert(e.key) = std::move(e.value);
        continue;
      }
      // A key such as "[a][b]" is a field reference, as event.set treats it in Logstash.
      auto ref = FieldRef::Parse(e.key);
      if (!ref.ok()) {
        TagFailure(event);
        return false;
      }
      event.Set(*ref, std::move(e.value));
    }
    return true;
  }

 private:
  struct KeyLists {
    std::string prefix;
    std::vector<std::string> include, exclude;  // rendered only when they hold %{}
  };

  void TagFailure(Event& event) const {
    for (const std::string& t : tag_on_failure_) event.AddTag(t);
  }

  KeyLists ResolveKeyLists(const Event& event) const {
    KeyLists l;
    l.prefix = prefix_.Render(event);
    if (dynamic_keys_) {
      for (const TextTemplate& t : include_keys_) l.include.push_back(t.Render(event));
      for (const TextTemplate& t : exclude_keys_) l.exclude.push_back(t.Render(event));
    }
    return l;
  }

  bool Included(const KeyLists& l, std::string_view key) const {
    auto in = [&](const std::vector<TextTemplate>& opts, const std::vector<std::string>& rendered) {
      if (dynamic_keys_) {
        for (const std::string& s : rendered) {
          if (s == key) return true;
        }
        return false;
      }
      for (const TextTemplate& t : opts) {
        if (t.literal() == key) return true;
      }
      return false;
    };
    if (!include_keys_.empty() && !in(include_keys_, l.include)) return false;
    return exclude_keys_.empty() || !in(exclude_keys_, l.exclude);
  }

  // The key and value Logstash stores for a pair, in Logstash's order of steps: empty check,
  // trim, remove, transform, include/exclude, prefix. False when the pair is skipped. The views
  // point into the scanned text or into the buffers, copying only when an option rewrites text.
  bool Prepare(const KvPair& p, const KeyLists& lists, std::string* key_buf, std::string* value_buf,
               std::string_view* key, std::string_view* value) const {
    if ((!p.has_value || p.value.empty()) && !allow_empty_values_) return false;
    std::string_view k = p.key;
    if (trim_key_) k = trim_key_->Trim(k, key_buf);
    if (remove_char_key_ || transform_key_ != Transform::kNone) {
      std::string rewritten(k);
      if (remove_char_key_) remove_char_key_->RemoveAll(&rewritten);
      ApplyTransform(transform_key_, &rewritten);
      *key_buf = std::move(rewritten);
      k = *key_buf;
    }
    if (!Included(lists, k)) return false;
    if (!lists.prefix.empty()) {
      std::string prefixed = lists.prefix;
      prefixed.append(k);
      *key_buf = std::move(prefixed);
      k = *key_buf;
    }
    std::string_view v = p.value;
    if (trim_value_) v = trim_value_->Trim(v, value_buf);
    if (remove_char_value_ || transform_value_ != Transform::kNone) {
      std::string rewritten(v);
      if (remove_char_value_) remove_char_value_->RemoveAll(&rewritten);
      ApplyTransform(transform_value_, &rewritten);
      *value_buf = std::move(rewritten);
      v = *value_buf;
    }
    *key = k;
    *value = v;
    return true;
  }

  // The common case (string source, no target, defaults or recursion): pairs go straight into
  // the event, a repeated key turning its field into an array, with no intermediate hash.
  bool FilterDirect(Event& event, const KeyLists& lists) const {
    thread_local std::string text;
    thread_local std::vector<KvPair> pairs;
    thread_local std::vector<const Value*> stored;      // top-level fields set by this call
    thread_local std::vector<std::string> stored_refs;  // "[a][b]" keys set by this call
    // The scan's views must outlive changes to the event, which may move the source string.
    text.assign(event.Get(source_)->as_string());
    pairs.clear();
    stored.clear();
    stored_refs.clear();
    if (scanner_.Scan(text, &pairs) == KvScanner::Outcome::kLimitExceeded) {
      event.AddTag(tag_on_timeout_);
      return false;
    }
    Object& fields = event.fields();
    // Each pair adds at most one top-level field, so no insertion below reallocates and the
    // pointers in `stored` stay valid.
    fields.Reserve(fields.size() + pairs.size());
    std::string key_buf, value_buf;
    bool any = false;
    for (const KvPair& p : pairs) {
      std::string_view key, value;
      if (!Prepare(p, lists, &key_buf, &value_buf, &key, &value)) continue;
      Value* slot;
      bool seen;
      if (!HasBracket(key)) {
        size_t before = fields.size();
        slot = &fields.GetOrInsert(key);
        seen = fields.size() == before &&
               std::find(stored.begin(), stored.end(), slot) != stored.end();
        if (!seen) stored.push_back(slot);
      } else {
        auto ref = FieldRef::Parse(key);
        if (!ref.ok()) {
          TagFailure(event);
          return false;
        }
        seen = std::find(stored_refs.begin(), stored_refs.end(), key) != stored_refs.end();
        if (!seen) stored_refs.emplace_back(key);
        slot = seen ? event.GetMutable(*ref) : &event.Set(*ref, Value());
        if (slot == nullptr) slot = &event.Set(*ref, Value());  // replaced by a later key
      }
      any = true;
      if (!seen) {
        *slot = Value(value);
        continue;
      }
      if (!allow_duplicate_values_ && AlreadyHas(*slot, value)) continue;
      if (slot->is_array()) {
        slot->as_array().emplace_back(value);
      } else {
        Value first = std::move(*slot);
        *slot = Value(Array{std::move(first), Value(value)});
      }
    }
    return any;
  }

  // Collects the pairs of `text` into *entries the way Logstash's parse() builds its hash.
  // False when the regex path gave up (the timeout).
  bool Parse(std::string_view text, const KeyLists& lists, int depth, std::vector<KvPair>* pairs,
             std::vector<Entry>* entries) const {
    if (scanner_.Scan(text, pairs) == KvScanner::Outcome::kLimitExceeded) return false;
    std::string key_buf, value_buf;
    for (const KvPair& p : *pairs) {
      std::string_view key_view, value_view;
      if (!Prepare(p, lists, &key_buf, &value_buf, &key_view, &value_view)) continue;
      Entry* existing = nullptr;
      for (Entry& e : *entries) {
        if (e.key == key_view) {
          existing = &e;
          break;
        }
      }
      if (!allow_duplicate_values_ && existing != nullptr &&
          AlreadyHas(existing->value, value_view)) {
        continue;
      }
      std::optional<Object> nested;
      if (recursive_ && depth < kMaxRecursionDepth) {
        std::vector<KvPair> inner_pairs;
        std::vector<Entry> inner;
        std::string inner_text(value_view);
        if (!Parse(inner_text, lists, depth + 1, &inner_pairs, &inner)) return false;
        if (!inner.empty()) {
          nested.emplace();
          nested->Reserve(inner.size());
          for (Entry& e : inner) nested->GetOrInsert(e.key) = std::move(e.value);
        }
      }
      Value v = nested ? Value(std::move(*nested)) : Value(value_view);
      if (existing == nullptr) {
        entries->emplace_back(std::string(key_view), std::move(v));
      } else if (existing->value.is_array()) {
        existing->value.as_array().push_back(std::move(v));
      } else {
        Value first = std::move(existing->value);
        existing->value = Value(Array{std::move(first), std::move(v)});
      }
    }
    return true;
  }

  // `@default_keys.merge(kv)`: defaults first, in their order, overridden by parsed values.
  void MergeDefaults(std::vector<Entry>* entries) const {
    if (default_keys_.empty()) return;
    std::vector<Entry> merged;
    merged.reserve(default_keys_.size() + entries->size());
    std::vector<bool> used(entries->size(), false);
    for (const Entry& d : default_keys_) {
      Entry e{d.key, d.value};
      for (size_t i = 0; i < entries->size(); ++i) {
        if (!used[i] && (*entries)[i].key == d.key) {
          e.value = std::move((*entries)[i].value);
          used[i] = true;
          break;
        }
      }
      merged.push_back(std::move(e));
    }
    for (size_t i = 0; i < entries->size(); ++i) {
      if (!used[i]) merged.push_back(std::move((*entries)[i]));
    }
    *entries = std::move(merged);
  }

  KvScanner scanner_;
  FieldRef source_;
  std::optional<FieldRef> target_;
  std::optional<CharacterFilter> trim_key_, trim_value_, remove_char_key_, remove_char_value_;
  Transform transform_key_ = Transform::kNone;
  Transform transform_value_ = Transform::kNone;
  TextTemplate prefix_;
  std::vector<TextTemplate> include_keys_, exclude_keys_;
  bool dynamic_keys_ = false;
  std::vector<Entry> default_keys_;
  bool recursive_ = false;
  bool allow_duplicate_values_ = true;
  bool allow_empty_values_ = false;
  bool direct_ = false;  // fields may go straight into the event (see FilterDirect)
  std::vector<std::string> tag_on_failure_;
  std::string tag_on_timeout_;
};

}  // namespace

const PluginSpec kKvFilter = {
    .name = "kv",
    .kind = PluginKind::kFilter,
    .help = "parses key=value text into fields",
    .options =
        {
            {"source", OptionType::kString, Value("message"), "the field holding key=value text"},
            {"target",
             OptionType::kString,
             {},
             "a field to put the pairs under (default: the root)"},
            {"field_split", OptionType::kString, Value(" "),
             "characters that separate pairs (a regex character class)"},
            {"value_split", OptionType::kString, Value("="),
             "characters between a key and its value (a regex character class)"},
            {"field_split_pattern",
             OptionType::kString,
             {},
             "a regex separating pairs; overrides field_split"},
            {"value_split_pattern",
             OptionType::kString,
             {},
             "a regex between key and value; overrides value_split"},
            {"include_keys", OptionType::kArray, Value(Array{}),
             "only these keys are kept (may use %{field})"},
            {"exclude_keys", OptionType::kArray, Value(Array{}),
             "these keys are dropped (may use %{field})"},
            {"prefix", OptionType::kString, Value(""), "text put before every key (may use %{})"},
            {"trim_key",
             OptionType::kString,
             {},
             "characters stripped from both ends of keys (a regex character class)"},
            {"trim_value",
             OptionType::kString,
             {},
             "characters stripped from both ends of values (a regex character class)"},
            {"remove_char_key",
             OptionType::kString,
             {},
             "characters removed anywhere in keys (a regex character class)"},
            {"remove_char_value",
             OptionType::kString,
             {},
             "characters removed anywhere in values (a regex character class)"},
            {"include_brackets", OptionType::kBoolean, Value(true),
             "treat (...), [...] and <...> as value quotes"},
            {"recursive", OptionType::kBoolean, Value(false),
             "parse values that are key=value lists into nested fields"},
            {"allow_duplicate_values", OptionType::kBoolean, Value(true),
             "keep a repeated key=value pair; false keeps each value of a key once"},
            {"allow_empty_values", OptionType::kBoolean, Value(false),
             "keep keys whose value is empty (as \"\")"},
            {"default_keys", OptionType::kHash, Value(Object{}),
             "keys and values added when the text lacks them"},
            {"transform_key",
             OptionType::kString,
             {},
             "change the case of keys",
             false,
             {"lowercase", "uppercase", "capitalize"}},
            {"transform_value",
             OptionType::kString,
             {},
             "change the case of values",
             false,
             {"lowercase", "uppercase", "capitalize"}},
            {"whitespace",
             OptionType::kString,
             Value("lenient"),
             "lenient: spaces may surround the value split (`OUT= MAC=x` gives OUT=\"MAC=x\"); "
             "strict: they may not (OUT is empty, MAC is parsed)",
             false,
             {"lenient", "strict"}},
            {"tag_on_failure", OptionType::kArray, Value(Array{Value("_kv_filter_error")}),
             "tags added when a key cannot be stored (e.g. a malformed field reference)"},
            {"tag_on_timeout", OptionType::kString, Value("_kv_filter_timeout"),
             "tag added when a split pattern backtracks too long"},
            {"timeout_millis", OptionType::kNumber, Value(30000),
             "0 disables the backtracking cap of the split-pattern path; any other value caps it "
             "(the default single-character path is linear and needs none)"},
            {"ecs_compatibility",
             OptionType::kString,
             {},
             "accepted for compatibility; kv behaves the same in every mode"},
        },
    .create = &KvFilter::Create,
};

}  // namespace perimeter
