#include "pipeline/compiled_pipeline.h"

namespace perimeter {

namespace {

Result<std::vector<Sprintf>> CompileAll(const std::vector<std::string>& texts) {
  std::vector<Sprintf> out;
  for (const std::string& t : texts) {
    ASSIGN_OR_RETURN(Sprintf s, Sprintf::Compile(t));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<CommonActions> CommonActions::FromConfig(const PluginConfig& config, PluginKind kind) {
  CommonActions a;
  const Object& add = config.GetHash("add_field");
  for (size_t i = 0; i < add.size(); ++i) {
    FieldToAdd f;
    ASSIGN_OR_RETURN(f.name, Sprintf::Compile(add.key(i)));
    const Value& v = add.value(i);
    std::vector<std::string> texts;
    if (v.is_array()) {
      for (const Value& e : v.as_array()) texts.push_back(e.ToText());
    } else {
      texts.push_back(v.ToText());
    }
    ASSIGN_OR_RETURN(f.values, CompileAll(texts));
    a.add_field.push_back(std::move(f));
  }
  if (kind == PluginKind::kInput) {
    if (config.IsSet("type")) a.type = config.GetString("type");
    a.tags = config.GetStrings("tags");
  } else if (kind == PluginKind::kFilter) {
    ASSIGN_OR_RETURN(a.remove_field, CompileAll(config.GetStrings("remove_field")));
    ASSIGN_OR_RETURN(a.add_tag, CompileAll(config.GetStrings("add_tag")));
    ASSIGN_OR_RETURN(a.remove_tag, CompileAll(config.GetStrings("remove_tag")));
  }
  return a;
}

bool CommonActions::empty() const {
  return !type && tags.empty() && add_field.empty() && remove_field.empty() && add_tag.empty() &&
         remove_tag.empty();
}

void CommonActions::Apply(Event& event) const {
  if (type && event.GetTop("type") == nullptr) event.SetTop("type", *type);
  for (const std::string& t : tags) event.AddTag(t);
  std::string scratch;
  for (const FieldToAdd& f : add_field) {
    FieldRef ref = FieldRef::Of(f.name.Render(event));
    for (const Sprintf& v : f.values) {
      std::string value = v.Render(event);
      // As Logstash: a second value for an existing field turns it into an array.
      if (Value* existing = event.GetMutable(ref)) {
        if (!existing->is_array()) *existing = Value(Array{std::move(*existing)});
        existing->as_array().emplace_back(std::move(value));
      } else {
        event.Set(ref, Value(std::move(value)));
      }
    }
  }
  for (const Sprintf& f : remove_field) event.Remove(FieldRef::Of(f.Render(event)));
  for (const Sprintf& t : add_tag) event.AddTag(t.Render(event));
  for (const Sprintf& t : remove_tag) event.RemoveTag(t.Render(event));
}

}  // namespace perimeter
