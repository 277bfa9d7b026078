#include "filters/grok/pattern_library.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace perimeter::grok {
namespace {

TEST(PatternLibrary, ParsesLogstashPatternFiles) {
  PatternLibrary lib;
  lib.AddFileText(
      "# comment\n"
      "   # indented comment\n"
      "\n"
      "NAME\t\tregex with blanks \r\n"
      "  LEADING x\n"
      "LONELY\n"
      "NAME2 a b\n");
  ASSERT_NE(lib.Find("NAME"), nullptr);
  EXPECT_EQ(*lib.Find("NAME"), "regex with blanks ");  // trailing blanks belong to the regex
  EXPECT_EQ(*lib.Find("LEADING"), "x");
  EXPECT_EQ(*lib.Find("NAME2"), "a b");
  EXPECT_EQ(lib.Find("LONELY"), nullptr);
  EXPECT_EQ(lib.size(), 3u);
}

TEST(PatternLibrary, LaterDefinitionsWin) {
  PatternLibrary lib;
  lib.Add("X", "1");
  lib.AddFileText("X 2\n");
  EXPECT_EQ(*lib.Find("X"), "2");
}

TEST(PatternLibrary, BuiltinFlavoursDifferInFieldNames) {
  auto legacy = PatternLibrary::Builtin("disabled");
  auto ecs = PatternLibrary::Builtin("v8");
  ASSERT_TRUE(legacy.ok() && ecs.ok());
  EXPECT_NE(legacy->Find("SYSLOGPROG")->find(":program"), std::string::npos);
  EXPECT_NE(ecs->Find("SYSLOGPROG")->find("[process][name]"), std::string::npos);
  for (const char* name : {"IPTABLES", "IPV4", "IPV6", "SYSLOGBASE", "SYSLOGLINE", "SSHD",
                           "COMBINEDAPACHELOG", "HTTPD_ERRORLOG", "UFW", "SHOREWALL", "SFW2"}) {
    EXPECT_NE(legacy->Find(name), nullptr) << name;
    EXPECT_NE(ecs->Find(name), nullptr) << name;
  }
  EXPECT_FALSE(PatternLibrary::Builtin("v9").ok());
}

TEST(PatternLibrary, DirectoryLoadingHonoursTheGlobAndNameOrder) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("grok_lib_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "b.grok") << "X from_b\n";
  std::ofstream(dir / "a.grok") << "X from_a\nY y\n";
  std::ofstream(dir / "c.txt") << "Z z\n";
  PatternLibrary lib;
  ASSERT_TRUE(lib.AddDirectory(dir.string(), "*.grok").ok());
  EXPECT_EQ(*lib.Find("X"), "from_b");
  EXPECT_EQ(lib.Find("Z"), nullptr);
  PatternLibrary all;
  ASSERT_TRUE(all.AddDirectory(dir.string(), "*").ok());
  EXPECT_NE(all.Find("Z"), nullptr);
  Status missing = lib.AddDirectory((dir / "nope").string(), "*");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace perimeter::grok
