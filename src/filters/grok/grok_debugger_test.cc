#include "filters/grok/grok_debugger.h"

#include <gtest/gtest.h>

#include <sstream>

namespace perimeter::grok {
namespace {

TEST(GrokDebugger, PrintsCapturesAsJson) {
  std::ostringstream out;
  GrokDebuggerOptions options;
  int rc = RunGrokDebugger("%{WORD:verb} %{INT:n:int}", {"GET 42"}, options, out);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out.str(), "{\"verb\":\"GET\",\"n\":42}\n");
}

TEST(GrokDebugger, PrettyPrintsNestedFields) {
  std::ostringstream out;
  GrokDebuggerOptions options;
  options.json = false;
  EXPECT_EQ(RunGrokDebugger("%{IP:[source][ip]}", {"10.0.0.1"}, options, out), 0);
  EXPECT_NE(out.str().find("[source][ip] => \"10.0.0.1\""), std::string::npos) << out.str();
}

TEST(GrokDebugger, ShowsHowFarAFailingLineGot) {
  std::ostringstream out;
  GrokDebuggerOptions options;
  options.json = false;
  int rc = RunGrokDebugger("%{SYSLOGTIMESTAMP:ts} %{HOSTNAME:host} %{INT:pid}:",
                           {"Jun 10 06:25:01 fw01 kernel: boom"}, options, out);
  EXPECT_EQ(rc, 1);
  std::string text = out.str();
  EXPECT_NE(text.find("longest matching prefix: %{SYSLOGTIMESTAMP:ts} %{HOSTNAME:host} "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stopped at offset 21"), std::string::npos) << text;
  EXPECT_NE(text.find("failed: %{INT:pid}:"), std::string::npos) << text;
}

TEST(GrokDebugger, FailureAsJsonAndCompileErrors) {
  std::ostringstream out;
  GrokDebuggerOptions options;
  EXPECT_EQ(RunGrokDebugger("(?:a%{INT:n})b", {"xa12c"}, options, out), 1);
  EXPECT_NE(out.str().find("\"stopped_at\":4"), std::string::npos) << out.str();
  std::ostringstream err;
  EXPECT_EQ(RunGrokDebugger("%{NOPE}", {"x"}, options, err), 2);
  EXPECT_NE(err.str().find("NOPE"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::grok
