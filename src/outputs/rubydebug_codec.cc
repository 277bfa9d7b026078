#include <algorithm>

#include "outputs/output_codec.h"

namespace perimeter {

namespace {

constexpr size_t kIndent = 4;  // awesome_print's indent, as Logstash configures it

void AppendRubyString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendValue(const Value& v, size_t level, std::string* out);

void AppendObject(const Object& o, size_t level, std::string* out) {
  if (o.empty()) {
    out->append("{}");
    return;
  }
  size_t width = 0;
  for (size_t i = 0; i < o.size(); ++i) width = std::max(width, o.key(i).size() + 2);
  out->append("{\n");
  for (size_t i = 0; i < o.size(); ++i) {
    out->append(kIndent * (level + 1) + width - (o.key(i).size() + 2), ' ');
    AppendRubyString(o.key(i), out);
    out->append(" => ");
    AppendValue(o.value(i), level + 1, out);
    if (i + 1 < o.size()) out->push_back(',');
    out->push_back('\n');
  }
  out->append(kIndent * level, ' ');
  out->push_back('}');
}

void AppendValue(const Value& v, size_t level, std::string* out) {
  switch (v.type()) {
    case Value::Type::kString:
      AppendRubyString(v.as_string(), out);
      break;
    case Value::Type::kNull:
      out->append("nil");
      break;
    case Value::Type::kTimestamp:
      v.as_timestamp().AppendIso8601(out);
      break;
    case Value::Type::kObject:
      AppendObject(v.as_object(), level, out);
      break;
    case Value::Type::kArray: {
      const Array& a = v.as_array();
      if (a.empty()) {
        out->append("[]");
        break;
      }
      size_t digits = std::to_string(a.size() - 1).size();
      out->append("[\n");
      for (size_t i = 0; i < a.size(); ++i) {
        std::string index = std::to_string(i);
        out->append(kIndent * (level + 1), ' ');
        out->push_back('[');
        out->append(digits - index.size(), ' ');
        out->append(index);
        out->append("] ");
        AppendValue(a[i], level + 1, out);
        if (i + 1 < a.size()) out->push_back(',');
        out->push_back('\n');
      }
      out->append(kIndent * level, ' ');
      out->push_back(']');
      break;
    }
    default:
      v.AppendText(out);
  }
}

}  // namespace

void RubydebugCodec::Encode(const Event& event, std::string* out) const {
  AppendObject(event.fields(), 0, out);
  out->push_back('\n');
}

}  // namespace perimeter
