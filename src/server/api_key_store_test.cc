#include "server/api_key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "server/secret_token.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;

TEST(ApiKeyStore, CreatedKeysVerifyAndOnlyHashesAreStored) {
  TempDir dir;
  std::string path = dir.File("api_keys");
  ApiKeyStore store(path);
  ASSERT_TRUE(store.Load().ok());
  Result<std::string> key = store.Create("ingest", Role::kViewer, 1700000000);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->substr(0, 4), "pmk_");
  EXPECT_EQ(key->size(), 4u + 43u);
  std::optional<ApiKeyInfo> info = store.Verify(*key);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "ingest");
  EXPECT_EQ(info->role, Role::kViewer);
  EXPECT_FALSE(store.Verify(*key + "x"));
  EXPECT_FALSE(store.Verify("pmk_" + RandomToken()));

  Result<std::string> text = ReadSmallFile(path, 1 << 20);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find(*key), std::string::npos);
  EXPECT_NE(text->find(Sha256Hex(*key)), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A second store (the server) reading the file the CLI wrote.
  ApiKeyStore server(path);
  ASSERT_TRUE(server.Load().ok());
  EXPECT_TRUE(server.Verify(*key));
}

TEST(ApiKeyStore, RevokedKeysStopWorking) {
  TempDir dir;
  ApiKeyStore store(dir.File("api_keys"));
  Result<std::string> a = store.Create("a", Role::kAdmin, 1);
  Result<std::string> b = store.Create("b", Role::kViewer, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(store.Create("a", Role::kViewer, 3).ok());  // names are unique
  ASSERT_TRUE(store.Revoke("a").ok());
  EXPECT_FALSE(store.Verify(*a));
  EXPECT_TRUE(store.Verify(*b));
  EXPECT_EQ(store.Revoke("a").code(), StatusCode::kNotFound);
  ASSERT_EQ(store.List().size(), 1u);
  EXPECT_EQ(store.List()[0].name, "b");
}

TEST(ApiKeyStore, RefusesBadNamesAndCorruptFiles) {
  TempDir dir;
  ApiKeyStore store(dir.File("api_keys"));
  EXPECT_FALSE(store.Create("has:colon", Role::kViewer, 1).ok());
  EXPECT_FALSE(store.Create("", Role::kViewer, 1).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("api_keys"), "x:viewer:abc:1\n", 0600).ok());
  Status st = store.Load();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find(":1:"), std::string::npos);
}

TEST(ApiKeyStore, NoFileConfiguredMeansNoKeys) {
  ApiKeyStore store("");
  ASSERT_TRUE(store.Load().ok());
  EXPECT_FALSE(store.Verify("pmk_anything"));
  EXPECT_FALSE(store.Create("x", Role::kViewer, 1).ok());
}

}  // namespace
}  // namespace perimeter
