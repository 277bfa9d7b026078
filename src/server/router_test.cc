#include "server/router.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

RouteHandler Answer(const std::string& body) {
  return [body](const Request&, const AuthContext&) { return Response::Json(200, body); };
}

TEST(Router, MatchesLiteralsAndCaptures) {
  Router router;
  ASSERT_TRUE(
      router.Add(HttpMethod::kGet, "/api/v1/events/{id}", Role::kViewer, Answer("one")).ok());
  ASSERT_TRUE(
      router.Add(HttpMethod::kGet, "/api/v1/events/count", Role::kViewer, Answer("count")).ok());
  ASSERT_TRUE(
      router.Add(HttpMethod::kDelete, "/api/v1/events/{id}", Role::kAdmin, Answer("del")).ok());

  RouteMatch m = router.Find(HttpMethod::kGet, "/api/v1/events/abc");
  ASSERT_NE(m.route, nullptr);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "abc");

  m = router.Find(HttpMethod::kGet, "/api/v1/events/count");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/events/count");  // the literal beats the capture

  m = router.Find(HttpMethod::kDelete, "/api/v1/events/abc");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->required_role, Role::kAdmin);
}

TEST(Router, HeadUsesGetAndOtherMethodsListAllowed) {
  Router router;
  ASSERT_TRUE(router.Add(HttpMethod::kGet, "/x", Role::kViewer, Answer("x")).ok());
  ASSERT_TRUE(router.Add(HttpMethod::kPost, "/x", Role::kAdmin, Answer("y")).ok());
  EXPECT_NE(router.Find(HttpMethod::kHead, "/x").route, nullptr);
  RouteMatch m = router.Find(HttpMethod::kPut, "/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, "GET, HEAD, POST");
  m = router.Find(HttpMethod::kGet, "/y");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

TEST(Router, CapturesNeverMatchEmptySegmentsOrExtraDepth) {
  Router router;
  ASSERT_TRUE(router.Add(HttpMethod::kGet, "/a/{id}", Role::kViewer, Answer("a")).ok());
  EXPECT_EQ(router.Find(HttpMethod::kGet, "/a/").route, nullptr);
  EXPECT_EQ(router.Find(HttpMethod::kGet, "/a/b/c").route, nullptr);
  EXPECT_EQ(router.Find(HttpMethod::kGet, "/a").route, nullptr);
}

TEST(Router, RefusesBadPatternsAndDuplicates) {
  Router router;
  EXPECT_FALSE(router.Add(HttpMethod::kGet, "no-slash", Role::kViewer, Answer("")).ok());
  EXPECT_FALSE(router.Add(HttpMethod::kGet, "/a/x{id}", Role::kViewer, Answer("")).ok());
  EXPECT_FALSE(router.Add(HttpMethod::kTrace, "/a", Role::kViewer, Answer("")).ok());
  ASSERT_TRUE(router.Add(HttpMethod::kGet, "/a/{id}", Role::kViewer, Answer("")).ok());
  EXPECT_FALSE(router.Add(HttpMethod::kGet, "/a/{id}", Role::kViewer, Answer("")).ok());
}

TEST(Router, StreamRoutesAreGetOnly) {
  Router router;
  ASSERT_TRUE(
      router
          .AddStream("/api/v1/tail", Role::kViewer,
                     [](const Request&, const AuthContext&, const std::shared_ptr<EventStream>&) {})
          .ok());
  RouteMatch m = router.Find(HttpMethod::kGet, "/api/v1/tail");
  ASSERT_NE(m.route, nullptr);
  EXPECT_TRUE(static_cast<bool>(m.route->stream_handler));
  EXPECT_EQ(router.Find(HttpMethod::kHead, "/api/v1/tail").route, nullptr);
}

}  // namespace
}  // namespace perimeter
