// The pipeline `perimeter run` uses when no -f/-e is given: kernel firewall lines from the
// configured files, parsed by the built-in patterns, timestamps fixed, GeoIP-enriched, stored.
// `perimeter run --print-default-pipeline` prints it so users can start from it.
#pragma once

#include <string>
#include <vector>

namespace perimeter {

std::string DefaultPipeline(const std::vector<std::string>& firewall_logs);

}  // namespace perimeter
