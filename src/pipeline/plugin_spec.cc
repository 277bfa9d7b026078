#include "pipeline/plugin_spec.h"

namespace perimeter {

const char* PluginKindName(PluginKind kind) {
  switch (kind) {
    case PluginKind::kInput:
      return "input";
    case PluginKind::kFilter:
      return "filter";
    case PluginKind::kOutput:
      return "output";
  }
  return "?";
}

const char* OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kNumber:
      return "number";
    case OptionType::kBoolean:
      return "boolean";
    case OptionType::kArray:
      return "array";
    case OptionType::kHash:
      return "hash";
    case OptionType::kPath:
      return "path";
    case OptionType::kCodec:
      return "codec";
    case OptionType::kAny:
      return "any";
  }
  return "?";
}

const std::vector<OptionSpec>& CommonOptions(PluginKind kind) {
  static const std::vector<OptionSpec> kInput = {
      {"id", OptionType::kString, {}, "a name for this plugin in stats and logs"},
      {"type", OptionType::kString, {}, "sets the event's `type` field"},
      {"tags", OptionType::kArray, {}, "tags added to every event"},
      {"add_field", OptionType::kHash, {}, "fields added to every event (values may use %{})"},
      {"codec", OptionType::kCodec, Value("plain"), "how input bytes become events"},
      {"enable_metric", OptionType::kBoolean, Value(true), "keep per-plugin counters"},
  };
  static const std::vector<OptionSpec> kFilter = {
      {"id", OptionType::kString, {}, "a name for this plugin in stats and logs"},
      {"add_field", OptionType::kHash, {}, "fields added when the filter succeeds"},
      {"add_tag", OptionType::kArray, {}, "tags added when the filter succeeds"},
      {"remove_field", OptionType::kArray, {}, "fields removed when the filter succeeds"},
      {"remove_tag", OptionType::kArray, {}, "tags removed when the filter succeeds"},
      {"enable_metric", OptionType::kBoolean, Value(true), "keep per-plugin counters"},
      {"periodic_flush", OptionType::kBoolean, Value(false), "accepted for compatibility"},
  };
  static const std::vector<OptionSpec> kOutput = {
      {"id", OptionType::kString, {}, "a name for this plugin in stats and logs"},
      {"codec", OptionType::kCodec, Value("plain"), "how events become output bytes"},
      {"enable_metric", OptionType::kBoolean, Value(true), "keep per-plugin counters"},
  };
  switch (kind) {
    case PluginKind::kInput:
      return kInput;
    case PluginKind::kFilter:
      return kFilter;
    case PluginKind::kOutput:
      return kOutput;
  }
  return kFilter;
}

}  // namespace perimeter
