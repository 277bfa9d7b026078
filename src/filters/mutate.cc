#include "filters/mutate.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "filters/ruby_regex.h"
#include "filters/ruby_string.h"
#include "filters/text_template.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

struct ConversionName {
  const char* name;
  MutateConversion conversion;
};
constexpr ConversionName kConversions[] = {
    {"integer", MutateConversion::kInteger}, {"integer_eu", MutateConversion::kIntegerEu},
    {"float", MutateConversion::kFloat},     {"float_eu", MutateConversion::kFloatEu},
    {"string", MutateConversion::kString},   {"boolean", MutateConversion::kBoolean},
};

// Ruby's `to_s` of an event value.
std::string RubyToS(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return "";
    case Value::Type::kFloat:
      return ruby::FloatToS(v.as_float());
    case Value::Type::kArray:
    case Value::Type::kObject:
      return v.ToJson();
    default:
      return v.ToText();
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// mutate's TRUE_REGEX /^(true|t|yes|y|1|1.0)$/i and FALSE_REGEX; the `.` is any character.
bool MatchesBoolean(std::string_view s, bool truth) {
  const char* const words[] = {truth ? "true" : "false", truth ? "t" : "f", truth ? "yes" : "no",
                               truth ? "y" : "n", truth ? "1" : "0"};
  for (const char* w : words) {
    if (EqualsIgnoreCase(s, w)) return true;
  }
  char digit = truth ? '1' : '0';
  return s.size() == 3 && s[0] == digit && s[2] == '0' && s[1] != '\n';
}

// Integer(float): truncation; NaN and infinities raise.
std::optional<int64_t> TruncateFloat(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  // A Bignum in Ruby; clamped here.
  if (d >= 9.2e18) return INT64_MAX;
  if (d <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// String#tr(",.", ".,"): European separators to US ones.
std::string SwapSeparators(std::string s) {
  for (char& c : s) {
    if (c == ',') {
      c = '.';
    } else if (c == '.') {
      c = ',';
    }
  }
  return s;
}

// convert_integer / convert_float's clean-up: strip, then drop group separators.
std::string NumericText(std::string_view s) {
  std::string out;
  for (char c : ruby::Strip(s)) {
    if (c != ',') out.push_back(c);
  }
  return out;
}

bool LooksHex(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  return s.size() >= i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
}

}  // namespace

std::optional<Value> ConvertScalar(const Value& v, MutateConversion to) {
  switch (to) {
    case MutateConversion::kString:
      return Value(RubyToS(v));
    case MutateConversion::kBoolean: {
      std::string s = RubyToS(v);
      if (MatchesBoolean(s, true)) return Value(true);
      if (s.empty() || MatchesBoolean(s, false)) return Value(false);
      return v;  // Logstash warns and passes the value through
    }
    case MutateConversion::kIntegerEu:
    case MutateConversion::kInteger: {
      if (v.is_bool()) return Value(int64_t{v.as_bool() ? 1 : 0});
      if (v.is_int()) return v;
      if (v.is_float()) {
        auto i = TruncateFloat(v.as_float());
        return i ? std::optional<Value>(Value(*i)) : std::nullopt;
      }
      if (!v.is_string()) return std::nullopt;  // Integer(x) raises TypeError
      std::string s = NumericText(to == MutateConversion::kIntegerEu ? SwapSeparators(v.as_string())
                                                                     : v.as_string());
      if (LooksHex(s)) {
        if (s.find('.') == std::string::npos) {
          auto i = ruby::StrictInteger(s);
          return i ? std::optional<Value>(Value(*i)) : std::nullopt;
        }
        auto f = ruby::StrictFloat(s);
        if (!f) return std::nullopt;
        auto i = TruncateFloat(*f);
        return i ? std::optional<Value>(Value(*i)) : std::nullopt;
      }
      if (s.find('e') != std::string::npos) {
        // BigDecimal(s).to_i: scientific notation is honoured ("1e3" → 1000).
        auto f = ruby::StrictFloat(s);
        if (!f) return std::nullopt;
        auto i = TruncateFloat(*f);
        return i ? std::optional<Value>(Value(*i)) : std::nullopt;
      }
      return Value(ruby::ToI(s));  // "12abc" → 12, "1.9" → 1, "abc" → 0
    }
    case MutateConversion::kFloatEu:
    case MutateConversion::kFloat: {
      if (v.is_bool()) return Value(v.as_bool() ? 1.0 : 0.0);
      if (v.is_float()) return v;
      if (v.is_int()) return Value(static_cast<double>(v.as_int()));
      if (!v.is_string()) return std::nullopt;
      std::string s = NumericText(to == MutateConversion::kFloatEu ? SwapSeparators(v.as_string())
                                                                   : v.as_string());
      auto f = ruby::StrictFloat(s);  // Float("12abc") raises
      return f ? std::optional<Value>(Value(*f)) : std::nullopt;
    }
  }
  return std::nullopt;
}

namespace {

struct FieldValue {
  FieldRef field;
  TextTemplate value;
};
struct RenameStep {
  TextTemplate from, to;
};
struct ConvertStep {
  FieldRef field;
  MutateConversion to;
};
struct GsubStep {
  FieldRef field;
  std::optional<RubyRegex> regex;  // set unless the needle holds %{}
  TextTemplate needle;
  TextTemplate replacement;
};
struct FieldText {
  FieldRef field;
  std::string text;
};
struct MergeStep {
  FieldRef dest;
  std::vector<FieldRef> added;
};
struct CopyStep {
  FieldRef from, to;
};

Result<FieldRef> ParseField(std::string_view option, std::string_view text) {
  auto ref = FieldRef::Parse(text);
  if (!ref.ok()) {
    return Status::InvalidArgument(fmt::format("option '{}': {}", option, ref.status().message()));
  }
  return ref;
}

// A hash option whose values are single strings ({ "field" => "integer" }).
Result<std::vector<std::pair<std::string, std::string>>> StringPairs(const PluginConfig& config,
                                                                     std::string_view option) {
  std::vector<std::pair<std::string, std::string>> out;
  const Object& hash = config.GetHash(option);
  for (size_t i = 0; i < hash.size(); ++i) {
    const Value& v = hash.value(i);
    if (v.is_array() || v.is_object()) {
      return Status::InvalidArgument(
          fmt::format("option '{}': '{}' is given {} ; give one value per field", option,
                      hash.key(i), v.ToJson()));
    }
    out.emplace_back(hash.key(i), v.ToText());
  }
  return out;
}

Result<std::vector<FieldRef>> FieldList(const PluginConfig& config, std::string_view option) {
  std::vector<FieldRef> out;
  for (const std::string& f : config.GetStrings(option)) {
    ASSIGN_OR_RETURN(FieldRef ref, ParseField(option, f));
    out.push_back(std::move(ref));
  }
  return out;
}

// Ruby's Array(x): nil → [], an array itself, anything else → [x].
Array ToArray(const Value* v) {
  if (v == nullptr || v->is_null()) return {};
  if (v->is_array()) return v->as_array();
  return Array{*v};
}

// Array#join: nested arrays are joined with the same separator, nil is "".
void Join(const Array& a, std::string_view sep, std::string* out, bool* first) {
  for (const Value& v : a) {
    if (v.is_array()) {
      Join(v.as_array(), sep, out, first);
      continue;
    }
    if (!*first) out->append(sep);
    *first = false;
    out->append(v.is_string() ? v.as_string() : RubyToS(v));
  }
}

enum class CaseChange { kUpper, kCapitalize, kLower };

class MutateFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<Plugin>> Create(const PluginConfig& config,
                                                const PluginContext& /*context*/) {
    auto f = std::make_unique<MutateFilter>();
    auto field_values = [&](std::string_view option, std::vector<FieldValue>* out) -> Status {
      ASSIGN_OR_RETURN(auto pairs, StringPairs(config, option));
      for (auto& [field, value] : pairs) {
        ASSIGN_OR_RETURN(FieldRef ref, ParseField(option, field));
        ASSIGN_OR_RETURN(TextTemplate t, TextTemplate::Compile(value));
        out->push_back({std::move(ref), std::move(t)});
      }
      return Status::OK();
    };
    RETURN_IF_ERROR(field_values("coerce", &f->coerce_));
    RETURN_IF_ERROR(field_values("update", &f->update_));
    RETURN_IF_ERROR(field_values("replace", &f->replace_));
    {
      ASSIGN_OR_RETURN(auto pairs, StringPairs(config, "rename"));
      for (auto& [from, to] : pairs) {
        ASSIGN_OR_RETURN(TextTemplate a, TextTemplate::Compile(from));
        ASSIGN_OR_RETURN(TextTemplate b, TextTemplate::Compile(to));
        if (!a.is_dynamic()) RETURN_IF_ERROR(ParseField("rename", from).status());
        if (!b.is_dynamic()) RETURN_IF_ERROR(ParseField("rename", to).status());
        f->rename_.push_back({std::move(a), std::move(b)});
      }
    }
    {
      ASSIGN_OR_RETURN(auto pairs, StringPairs(config, "convert"));
      for (auto& [field, type] : pairs) {
        const ConversionName* found = nullptr;
        for (const ConversionName& c : kConversions) {
          if (type == c.name) found = &c;
        }
        if (found == nullptr) {
          return Status::InvalidArgument(fmt::format(
              "option 'convert': invalid conversion type '{}' for '{}'; expected one of "
              "integer, integer_eu, float, float_eu, string, boolean",
              type, field));
        }
        ASSIGN_OR_RETURN(FieldRef ref, ParseField("convert", field));
        f->convert_.push_back({std::move(ref), found->conversion});
      }
    }
    {
      std::vector<std::string> gsub = config.GetStrings("gsub");
      if (gsub.size() % 3 != 0) {
        return Status::InvalidArgument(
            fmt::format("option 'gsub' needs field, regex, replacement triples; it has {} elements",
                        gsub.size()));
      }
      for (size_t i = 0; i < gsub.size(); i += 3) {
        GsubStep step;
        ASSIGN_OR_RETURN(step.field, ParseField("gsub", gsub[i]));
        ASSIGN_OR_RETURN(step.needle, TextTemplate::Compile(gsub[i + 1]));
        ASSIGN_OR_RETURN(step.replacement, TextTemplate::Compile(gsub[i + 2]));
        if (!step.needle.is_dynamic()) {
          auto re = RubyRegex::Compile(gsub[i + 1], RubyRegex::kDefaultMatchLimit);
          if (!re.ok()) {
            return Status::InvalidArgument(
                fmt::format("option 'gsub' for '{}': {}", gsub[i], re.status().message()));
          }
          step.regex = std::move(re).value();
        }
        f->gsub_.push_back(std::move(step));
      }
    }
    ASSIGN_OR_RETURN(f->uppercase_, FieldList(config, "uppercase"));
    ASSIGN_OR_RETURN(f->capitalize_, FieldList(config, "capitalize"));
    ASSIGN_OR_RETURN(f->lowercase_, FieldList(config, "lowercase"));
    ASSIGN_OR_RETURN(f->strip_, FieldList(config, "strip"));
    auto field_texts = [&](std::string_view option, std::vector<FieldText>* out) -> Status {
      ASSIGN_OR_RETURN(auto pairs, StringPairs(config, option));
      for (auto& [field, text] : pairs) {
        ASSIGN_OR_RETURN(FieldRef ref, ParseField(option, field));
        out->push_back({std::move(ref), std::move(text)});
      }
      return Status::OK();
    };
    RETURN_IF_ERROR(field_texts("split", &f->split_));
    RETURN_IF_ERROR(field_texts("join", &f->join_));
    {
      const Object& merge = config.GetHash("merge");
      for (size_t i = 0; i < merge.size(); ++i) {
        MergeStep step;
        ASSIGN_OR_RETURN(step.dest, ParseField("merge", merge.key(i)));
        const Value& added = merge.value(i);
        std::vector<std::string> names;
        if (added.is_array()) {
          for (const Value& a : added.as_array()) names.push_back(a.ToText());
        } else {
          names.push_back(added.ToText());
        }
        for (const std::string& n : names) {
          ASSIGN_OR_RETURN(FieldRef ref, ParseField("merge", n));
          step.added.push_back(std::move(ref));
        }
        f->merge_.push_back(std::move(step));
      }
    }
    {
      ASSIGN_OR_RETURN(auto pairs, StringPairs(config, "copy"));
      for (auto& [from, to] : pairs) {
        ASSIGN_OR_RETURN(FieldRef a, ParseField("copy", from));
        ASSIGN_OR_RETURN(FieldRef b, ParseField("copy", to));
        f->copy_.push_back({std::move(a), std::move(b)});
      }
    }
    f->tag_on_failure_ = config.GetString("tag_on_failure");
    return std::unique_ptr<Plugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    // Logstash's fixed order; a step that raises in Logstash stops here and tags the event.
    bool ok = Coerce(event) && Rename(event) && Update(event) && Replace(event) && Convert(event) &&
              Gsub(event) && ChangeCase(event, uppercase_, CaseChange::kUpper) &&
              ChangeCase(event, capitalize_, CaseChange::kCapitalize) &&
              ChangeCase(event, lowercase_, CaseChange::kLower) && Strip(event) && Split(event) &&
              JoinFields(event) && Merge(event) && Copy(event);
    if (!ok) event.AddTag(tag_on_failure_);
    return ok;
  }

 private:
  bool Coerce(Event& e) const {
    for (const FieldValue& c : coerce_) {
      const Value* v = e.Get(c.field);
      if (v != nullptr && v->is_null()) e.Set(c.field, Value(c.value.Render(e)));
    }
    return true;
  }

  bool Rename(Event& e) const {
    for (const RenameStep& r : rename_) {
      auto from = FieldRef::Parse(r.from.Render(e));
      auto to = FieldRef::Parse(r.to.Render(e));
      if (!from.ok() || !to.ok()) return false;
      Value* v = e.GetMutable(*from);
      if (v == nullptr) continue;
      Value moved = std::move(*v);
      e.Remove(*from);
      e.Set(*to, std::move(moved));
    }
    return true;
  }

  bool Update(Event& e) const {
    for (const FieldValue& u : update_) {
      if (e.Get(u.field) != nullptr) e.Set(u.field, Value(u.value.Render(e)));
    }
    return true;
  }

  bool Replace(Event& e) const {
    for (const FieldValue& r : replace_) e.Set(r.field, Value(r.value.Render(e)));
    return true;
  }

  bool Convert(Event& e) const {
    for (const ConvertStep& c : convert_) {
      Value* v = e.GetMutable(c.field);
      if (v == nullptr || v->is_null() || v->is_object()) continue;
      if (v->is_array()) {
        // Built aside and swapped in: a failure leaves the field as it was, as Ruby's map does.
        Array converted;
        converted.reserve(v->as_array().size());
        for (const Value& element : v->as_array()) {
          if (element.is_null()) {
            converted.emplace_back();
            continue;
          }
          auto one = ConvertScalar(element, c.to);
          if (!one) return false;
          converted.push_back(std::move(*one));
        }
        *v = Value(std::move(converted));
        continue;
      }
      auto converted = ConvertScalar(*v, c.to);
      if (!converted) return false;
      *v = std::move(*converted);
    }
    return true;
  }

  bool Gsub(Event& e) const {
    std::string out;
    for (const GsubStep& g : gsub_) {
      Value* v = e.GetMutable(g.field);
      if (v == nullptr || !(v->is_string() || v->is_array())) continue;
      std::optional<RubyRegex> dynamic;
      const RubyRegex* re = g.regex ? &*g.regex : nullptr;
      if (re == nullptr) {
        auto compiled = RubyRegex::Compile(g.needle.Render(e), RubyRegex::kDefaultMatchLimit);
        if (!compiled.ok()) return false;  // Regexp.new raises
        dynamic = std::move(compiled).value();
        re = &*dynamic;
      }
      std::string replacement = g.replacement.Render(e);
      auto apply = [&](std::string* s) -> bool {
        if (!re->ReplaceAll(*s, replacement, &out)) return false;
        s->swap(out);
        return true;
      };
      if (v->is_string()) {
        if (!apply(&v->as_string())) return false;
      } else {
        for (Value& element : v->as_array()) {
          if (element.is_string() && !apply(&element.as_string())) return false;
        }
      }
    }
    return true;
  }

  static void ChangeString(std::string* s, CaseChange c) {
    switch (c) {
      case CaseChange::kUpper:
        ruby::Upcase(s);
        break;
      case CaseChange::kCapitalize:
        ruby::Capitalize(s);
        break;
      case CaseChange::kLower:
        ruby::Downcase(s);
        break;
    }
  }

  bool ChangeCase(Event& e, const std::vector<FieldRef>& fields, CaseChange c) const {
    for (const FieldRef& f : fields) {
      Value* v = e.GetMutable(f);
      if (v == nullptr) continue;
      if (v->is_string()) {
        ChangeString(&v->as_string(), c);
      } else if (v->is_array()) {
        for (Value& element : v->as_array()) {
          if (element.is_string()) ChangeString(&element.as_string(), c);
        }
      }
    }
    return true;
  }

  bool Strip(Event& e) const {
    for (const FieldRef& f : strip_) {
      Value* v = e.GetMutable(f);
      if (v == nullptr) continue;
      if (v->is_string()) {
        v->as_string() = std::string(ruby::Strip(v->as_string()));
      } else if (v->is_array()) {
        for (Value& element : v->as_array()) {
          if (!element.is_string()) return false;  // `s.strip` on a non-string raises
          element.as_string() = std::string(ruby::Strip(element.as_string()));
        }
      }
    }
    return true;
  }

  bool Split(Event& e) const {
    for (const FieldText& s : split_) {
      Value* v = e.GetMutable(s.field);
      if (v == nullptr || !v->is_string()) continue;
      Array parts;
      for (std::string& p : ruby::Split(v->as_string(), s.text)) parts.emplace_back(std::move(p));
      *v = Value(std::move(parts));
    }
    return true;
  }

  bool JoinFields(Event& e) const {
    for (const FieldText& j : join_) {
      Value* v = e.GetMutable(j.field);
      if (v == nullptr || !v->is_array()) continue;
      std::string out;
      bool first = true;
      Join(v->as_array(), j.text, &out, &first);
      *v = Value(std::move(out));
    }
    return true;
  }

  bool Merge(Event& e) const {
    for (const MergeStep& m : merge_) {
      const Value* d = e.Get(m.dest);
      Value dest = d != nullptr ? *d : Value();
      for (const FieldRef& added_ref : m.added) {
        const Value* a = e.Get(added_ref);
        Value added = a != nullptr ? *a : Value();
        if (dest.is_object() != added.is_object()) continue;  // Logstash logs and skips
        if (dest.is_object()) {
          const Object& more = added.as_object();
          for (size_t i = 0; i < more.size(); ++i) dest.as_object().Set(more.key(i), more.value(i));
          e.Set(m.dest, dest);
        } else if (dest.is_array()) {
          // Array(dest) is dest itself: additions accumulate over the loop.
          for (Value& x : ToArray(&added)) dest.as_array().push_back(std::move(x));
          e.Set(m.dest, dest);
        } else {
          // Array(dest) is a fresh array each time round.
          Array merged = ToArray(&dest);
          for (Value& x : ToArray(&added)) merged.push_back(std::move(x));
          e.Set(m.dest, Value(std::move(merged)));
        }
      }
    }
    return true;
  }

  bool Copy(Event& e) const {
    for (const CopyStep& c : copy_) {
      const Value* v = e.Get(c.from);
      if (v == nullptr || v->is_null()) continue;
      Value clone = *v;
      e.Set(c.to, std::move(clone));
    }
    return true;
  }

  std::vector<FieldValue> coerce_, update_, replace_;
  std::vector<RenameStep> rename_;
  std::vector<ConvertStep> convert_;
  std::vector<GsubStep> gsub_;
  std::vector<FieldRef> uppercase_, capitalize_, lowercase_, strip_;
  std::vector<FieldText> split_, join_;
  std::vector<MergeStep> merge_;
  std::vector<CopyStep> copy_;
  std::string tag_on_failure_;
};

}  // namespace

const PluginSpec kMutateFilter = {
    .name = "mutate",
    .kind = PluginKind::kFilter,
    .help = "renames, replaces, converts and edits fields",
    .options =
        {
            {"coerce",
             OptionType::kHash,
             {},
             "field => value set when the field exists but is null"},
            {"rename", OptionType::kHash, {}, "old field => new field (may use %{})"},
            {"update",
             OptionType::kHash,
             {},
             "field => new value, only if the field exists (may use %{})"},
            {"replace", OptionType::kHash, {}, "field => new value, set always (may use %{})"},
            {"convert",
             OptionType::kHash,
             {},
             "field => integer, integer_eu, float, float_eu, string or boolean (arrays "
             "element-wise)"},
            {"gsub",
             OptionType::kArray,
             {},
             "field, regex, replacement triples; every match is replaced (\\1 refers to a group)"},
            {"uppercase", OptionType::kArray, {}, "fields to upper-case"},
            {"capitalize", OptionType::kArray, {}, "fields to capitalize"},
            {"lowercase", OptionType::kArray, {}, "fields to lower-case"},
            {"strip", OptionType::kArray, {}, "fields to strip of leading and trailing whitespace"},
            {"split", OptionType::kHash, {}, "field => separator: a string becomes an array"},
            {"join", OptionType::kHash, {}, "field => separator: an array becomes a string"},
            {"merge",
             OptionType::kHash,
             {},
             "destination field => field(s) whose values are appended (arrays) or merged (hashes)"},
            {"copy", OptionType::kHash, {}, "source field => destination field (overwritten)"},
            {"tag_on_failure", OptionType::kString, Value("_mutate_error"),
             "tag added when an operation fails (e.g. convert of \"abc\" to float)"},
        },
    .create = &MutateFilter::Create,
};

}  // namespace perimeter
