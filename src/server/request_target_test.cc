#include "server/request_target.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

TEST(RequestTarget, SplitsPathAndQueryAndDecodesPath) {
  Result<RequestTarget> t = ParseRequestTarget("/api/v1/events/a%20b?q=src_ip:1.2.3.4&x=%2F");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/api/v1/events/a b");
  EXPECT_EQ(t->query, "q=src_ip:1.2.3.4&x=%2F");
}

TEST(RequestTarget, RefusesTraversalInEveryEncoding) {
  for (const char* target : {"/../etc/passwd",
                             "/a/../../b",
                             "/%2e%2e/etc/passwd",
                             "/%2E%2E/x",
                             "/.%2e/x",
                             "/a/./b",
                             "/a/..",
                             "/..",
                             "/a%2f..%2fb",
                             "/a%2F..",
                             "/a\\..\\b",
                             "/a%5c..%5cb",
                             "/a%00b",
                             "/a%0d%0a",
                             "http://evil/",
                             "*",
                             "",
                             "relative",
                             "/a#frag",
                             "/%zz",
                             "/%2"}) {
    SCOPED_TRACE(target);
    EXPECT_FALSE(ParseRequestTarget(target).ok());
  }
}

TEST(RequestTarget, AllowsDotsInsideNames) {
  EXPECT_TRUE(ParseRequestTarget("/assets/app.min.js").ok());
  EXPECT_TRUE(ParseRequestTarget("/a/...").ok());
  EXPECT_TRUE(ParseRequestTarget("/.well-known/x").ok());
  EXPECT_TRUE(ParseRequestTarget("/").ok());
}

TEST(FormFields, DecodesPlusAndPercent) {
  EXPECT_EQ(FindFormField("user=alice&password=a+b%26c", "password"), "a b&c");
  EXPECT_EQ(FindFormField("user=alice&flag", "flag"), "");
  EXPECT_EQ(FindFormField("user=alice", "password"), std::nullopt);
  EXPECT_EQ(FindFormField("us%65r=bob", "user"), "bob");
  EXPECT_EQ(FindFormField("user=%zz", "user"), std::nullopt);
}

TEST(PercentEncodePath, KeepsSlashesAndEncodesTheRest) {
  EXPECT_EQ(PercentEncodePath("/a b/c?d=e&f"), "/a%20b/c%3Fd%3De%26f");
}

}  // namespace
}  // namespace perimeter
