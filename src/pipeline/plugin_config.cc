#include "pipeline/plugin_config.h"

#include <fmt/format.h>

#include <charconv>

#include "config/diagnostic.h"

namespace perimeter {

namespace {

const OptionSpec* FindOption(const PluginSpec& spec, std::string_view name) {
  for (const OptionSpec& o : spec.options) {
    if (o.name == name) return &o;
  }
  for (const OptionSpec& o : CommonOptions(spec.kind)) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::string UnknownOptionHint(const PluginSpec& spec, std::string_view name) {
  std::string best;
  size_t best_d = 3;
  std::string all;
  auto consider = [&](const OptionSpec& o) {
    size_t d = EditDistance(name, o.name);
    if (d < best_d) {
      best_d = d;
      best = o.name;
    }
    if (!all.empty()) all += ", ";
    all += o.name;
  };
  for (const OptionSpec& o : spec.options) consider(o);
  for (const OptionSpec& o : CommonOptions(spec.kind)) consider(o);
  if (!best.empty()) return fmt::format("did you mean '{}'?", best);
  return fmt::format("'{}' accepts: {}", spec.name, all);
}

std::optional<Value> ParseNumber(std::string_view s) {
  int64_t i;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && p == s.data() + s.size()) return Value(i);
  double d;
  auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec2 == std::errc() && p2 == s.data() + s.size()) return Value(d);
  return std::nullopt;
}

// Coerces `v` to `type` as Logstash's config validation does; error text on failure.
Result<Value> Coerce(const OptionSpec& opt, Value v) {
  auto bad = [&](std::string_view why) -> Status {
    return Status::InvalidArgument(fmt::format("option '{}' expects {}, got {} {}", opt.name,
                                               OptionTypeName(opt.type), Value::TypeName(v.type()),
                                               why));
  };
  // Logstash holds every value as a list internally: a one-element list passes for a scalar.
  if (opt.type != OptionType::kArray && opt.type != OptionType::kHash &&
      opt.type != OptionType::kAny && v.is_array() && v.as_array().size() == 1) {
    Value first = std::move(v.as_array()[0]);
    v = std::move(first);
  }
  switch (opt.type) {
    case OptionType::kString:
    case OptionType::kPath:
    case OptionType::kCodec:
      if (v.is_string()) break;
      if (v.is_number() || v.is_bool()) return Value(v.ToText());
      return bad(v.ToJson());
    case OptionType::kNumber:
      if (v.is_number()) break;
      if (v.is_string()) {
        if (auto n = ParseNumber(v.as_string())) return *n;
      }
      return bad(v.ToJson());
    case OptionType::kBoolean:
      if (v.is_bool()) break;
      if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) {
        return Value(v.as_string() == "true");
      }
      return bad(v.ToJson());
    case OptionType::kArray:
      if (v.is_array()) break;
      if (v.is_object()) return bad("(a hash)");
      return Value(Array{std::move(v)});
    case OptionType::kHash: {
      if (v.is_object()) break;
      if (!v.is_array()) return bad(v.ToJson());
      Array& a = v.as_array();
      if (a.size() % 2 != 0) {
        return Status::InvalidArgument(fmt::format(
            "option '{}' expects a hash; an array form needs key, value pairs but has {} elements",
            opt.name, a.size()));
      }
      Object o;
      for (size_t i = 0; i < a.size(); i += 2) {
        std::string key = a[i].ToText();
        Value* existing = o.Find(key);
        if (existing == nullptr) {
          o.Set(key, std::move(a[i + 1]));
        } else {
          if (!existing->is_array()) *existing = Value(Array{std::move(*existing)});
          existing->as_array().push_back(std::move(a[i + 1]));
        }
      }
      return Value(std::move(o));
    }
    case OptionType::kAny:
      break;
  }
  if (!opt.choices.empty() && v.is_string()) {
    bool ok = false;
    std::string all;
    for (auto c : opt.choices) {
      ok = ok || c == v.as_string();
      if (!all.empty()) all += ", ";
      all += c;
    }
    if (!ok) {
      return Status::InvalidArgument(
          fmt::format("option '{}' is '{}'; it must be one of: {}", opt.name, v.as_string(), all));
    }
  }
  return v;
}

// Logstash merges repeated settings: hashes merge, anything else concatenates into a list.
void Accumulate(Value* into, Value more) {
  if (into->is_object() && more.is_object()) {
    Object& o = more.as_object();
    for (size_t i = 0; i < o.size(); ++i) {
      Value* existing = into->as_object().Find(o.key(i));
      if (existing == nullptr) {
        into->as_object().Set(o.key(i), std::move(o.value(i)));
      } else {
        if (!existing->is_array()) *existing = Value(Array{std::move(*existing)});
        existing->as_array().push_back(std::move(o.value(i)));
      }
    }
    return;
  }
  if (!into->is_array()) *into = Value(Array{std::move(*into)});
  if (more.is_array()) {
    for (Value& m : more.as_array()) into->as_array().push_back(std::move(m));
  } else {
    into->as_array().push_back(std::move(more));
  }
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

Result<PluginConfig> PluginConfig::Build(const PluginSpec& spec, const config::PluginNode& node,
                                         const std::vector<config::SourceFile>& files) {
  PluginConfig pc;
  pc.plugin_name_ = node.name;
  pc.location_ = node.location;
  Object raw;  // accumulated values before coercion
  std::vector<config::SourceLocation> where;
  for (const config::Setting& s : node.settings) {
    const OptionSpec* opt = FindOption(spec, s.name);
    if (opt == nullptr) {
      return config::ConfigError(files, s.location,
                                 fmt::format("unknown option '{}' for {} plugin '{}'", s.name,
                                             PluginKindName(spec.kind), spec.name),
                                 UnknownOptionHint(spec, s.name));
    }
    if (Value* existing = raw.Find(s.name)) {
      Accumulate(existing, s.value);
    } else {
      raw.Set(s.name, s.value);
      where.push_back(s.location);
    }
    if (!s.block.empty()) {
      for (const config::Setting& b : s.block) pc.codec_settings_.Set(b.name, b.value);
    }
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    const OptionSpec* opt = FindOption(spec, raw.key(i));
    auto coerced = Coerce(*opt, std::move(raw.value(i)));
    if (!coerced.ok()) {
      return config::ConfigError(files, where[i], coerced.status().message(), opt->help);
    }
    pc.values_.Set(raw.key(i), std::move(coerced).value());
    pc.set_.push_back(raw.key(i));
  }
  auto fill = [&](const OptionSpec& o) -> Status {
    if (pc.values_.Find(o.name) != nullptr) return Status::OK();
    if (o.required) {
      return config::ConfigError(files, node.location,
                                 fmt::format("{} plugin '{}' needs option '{}'",
                                             PluginKindName(spec.kind), spec.name, o.name),
                                 fmt::format("add `{} => ...` ({})", o.name, o.help));
    }
    pc.values_.Set(o.name, o.default_value);
    return Status::OK();
  };
  for (const OptionSpec& o : spec.options) RETURN_IF_ERROR(fill(o));
  for (const OptionSpec& o : CommonOptions(spec.kind)) RETURN_IF_ERROR(fill(o));
  return pc;
}

Result<PluginConfig> PluginConfig::FromObject(const PluginSpec& spec, const Object& options) {
  config::PluginNode node;
  node.name = std::string(spec.name);
  node.location.file = "<code>";
  for (size_t i = 0; i < options.size(); ++i) {
    node.settings.push_back({options.key(i), options.value(i), node.location, {}});
  }
  return Build(spec, node, {});
}

bool PluginConfig::IsSet(std::string_view name) const {
  for (const auto& s : set_) {
    if (s == name) return true;
  }
  return false;
}

const Value& PluginConfig::Get(std::string_view name) const {
  static const Value kNull;
  const Value* v = values_.Find(name);
  return v ? *v : kNull;
}

std::string PluginConfig::GetString(std::string_view name) const {
  const Value& v = Get(name);
  return v.is_null() ? std::string() : v.ToText();
}

int64_t PluginConfig::GetInt(std::string_view name) const {
  const Value& v = Get(name);
  if (v.is_int()) return v.as_int();
  if (v.is_float()) return static_cast<int64_t>(v.as_float());
  return 0;
}

double PluginConfig::GetNumber(std::string_view name) const {
  const Value& v = Get(name);
  return v.is_number() ? v.as_number() : 0.0;
}

bool PluginConfig::GetBool(std::string_view name) const {
  const Value& v = Get(name);
  return v.is_bool() && v.as_bool();
}

std::vector<std::string> PluginConfig::GetStrings(std::string_view name) const {
  std::vector<std::string> out;
  const Value& v = Get(name);
  if (v.is_array()) {
    for (const Value& e : v.as_array()) out.push_back(e.ToText());
  } else if (!v.is_null()) {
    out.push_back(v.ToText());
  }
  return out;
}

const Object& PluginConfig::GetHash(std::string_view name) const {
  static const Object kEmpty;
  const Value& v = Get(name);
  return v.is_object() ? v.as_object() : kEmpty;
}

}  // namespace perimeter
