#include "outputs/output_codec.h"

#include <fmt/format.h>

namespace perimeter {

namespace {

class JsonLinesCodec : public OutputCodec {
 public:
  explicit JsonLinesCodec(bool newline) : newline_(newline) {}
  void Encode(const Event& event, std::string* out) const override {
    event.AppendJson(out);
    if (newline_) out->push_back('\n');
  }

 private:
  bool newline_;
};

// `line` and `plain`: a sprintf format per event. Logstash's default for both prints
// "timestamp host message".
class FormatCodec : public OutputCodec {
 public:
  FormatCodec(Sprintf format, bool newline) : format_(std::move(format)), newline_(newline) {}
  void Encode(const Event& event, std::string* out) const override {
    format_.Render(event, out);
    if (newline_) out->push_back('\n');
  }

 private:
  Sprintf format_;
  bool newline_;
};

class DotsCodec : public OutputCodec {
 public:
  void Encode(const Event&, std::string* out) const override { out->push_back('.'); }
};

}  // namespace

Result<std::unique_ptr<OutputCodec>> OutputCodec::Create(std::string_view name,
                                                         const Object& settings) {
  if (name == "rubydebug") return std::unique_ptr<OutputCodec>(new RubydebugCodec());
  if (name == "json_lines") return std::unique_ptr<OutputCodec>(new JsonLinesCodec(true));
  if (name == "json") return std::unique_ptr<OutputCodec>(new JsonLinesCodec(false));
  if (name == "dots") return std::unique_ptr<OutputCodec>(new DotsCodec());
  if (name == "line" || name == "plain") {
    const Value* f = settings.Find("format");
    std::string format = f ? f->ToText() : "%{@timestamp} %{host} %{message}";
    ASSIGN_OR_RETURN(Sprintf s, Sprintf::Compile(format));
    return std::unique_ptr<OutputCodec>(new FormatCodec(std::move(s), name == "line"));
  }
  return Status::InvalidArgument(fmt::format(
      "unknown codec '{}'; output codecs: rubydebug, json_lines, json, line, plain, dots", name));
}

}  // namespace perimeter
