#include "core/json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace perimeter {

namespace {

Value FromRapid(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return Value();
    case rapidjson::kFalseType:
      return Value(false);
    case rapidjson::kTrueType:
      return Value(true);
    case rapidjson::kStringType:
      return Value(std::string_view(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      if (v.IsInt64()) return Value(v.GetInt64());
      return Value(v.GetDouble());
    case rapidjson::kArrayType: {
      Array a;
      a.reserve(v.Size());
      for (const auto& e : v.GetArray()) a.push_back(FromRapid(e));
      return Value(std::move(a));
    }
    case rapidjson::kObjectType: {
      Object o;
      for (const auto& m : v.GetObject()) {
        o.Set(std::string_view(m.name.GetString(), m.name.GetStringLength()), FromRapid(m.value));
      }
      return Value(std::move(o));
    }
  }
  return Value();
}

}  // namespace

Result<Value> ParseJson(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNanAndInfFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::InvalidArgument("invalid JSON at offset " +
                                   std::to_string(doc.GetErrorOffset()) + ": " +
                                   rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return FromRapid(doc);
}

}  // namespace perimeter
