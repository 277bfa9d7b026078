// OutputCodec: turns events into bytes for stdout and file outputs — rubydebug, json_lines,
// json, line (with `format`), plain, dots. Immutable after creation; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "pipeline/sprintf.h"

namespace perimeter {

class OutputCodec {
 public:
  virtual ~OutputCodec() = default;
  virtual void Encode(const Event& event, std::string* out) const = 0;

  // `settings` are the codec block's options (`codec => line { format => "%{message}" }`).
  static Result<std::unique_ptr<OutputCodec>> Create(std::string_view name, const Object& settings);
};

// Logstash's rubydebug (awesome_print) layout: keys right-aligned per hash, nested hashes and
// arrays indented by four, timestamps bare.
class RubydebugCodec : public OutputCodec {
 public:
  void Encode(const Event& event, std::string* out) const override;
};

}  // namespace perimeter
