#include "server/password_hash.h"

#include <gtest/gtest.h>

#include <chrono>

#include "server/apr1_md5.h"

namespace perimeter {
namespace {

// Vectors made with `openssl passwd -apr1 -salt ...`, an implementation independent of ours.
TEST(Apr1Md5, MatchesOpenSslVectors) {
  EXPECT_EQ(Apr1Md5Crypt("password", "r31...."), "$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1");
  EXPECT_EQ(Apr1Md5Crypt("password", "Zx9q/A.b"), "$apr1$Zx9q/A.b$Py/fD3KOrAoKgCK0UR4sV1");
  EXPECT_EQ(Apr1Md5Crypt("correct horse battery staple", "r31...."),
            "$apr1$r31....$5kqwh20p.V.11s1jNb7Sl/");
  EXPECT_EQ(Apr1Md5Crypt("p@ss:word", "Zx9q/A.b"), "$apr1$Zx9q/A.b$MfHr3JQ99l6rxH5C3CTre/");
  EXPECT_EQ(Apr1Md5Crypt("", "ab"), "$apr1$ab$S8K6Sgp3W8c9Jb6LxgywZ.");
}

TEST(Apr1Md5, SaltStopsAtDollarAndEightCharacters) {
  EXPECT_EQ(Apr1Md5Crypt("password", "r31....$ignored"), Apr1Md5Crypt("password", "r31...."));
  EXPECT_EQ(Apr1Md5Crypt("password", "Zx9q/A.bEXTRA"), Apr1Md5Crypt("password", "Zx9q/A.b"));
}

struct Vector {
  const char* password;
  const char* hash;
  PasswordScheme scheme;
};

// bcrypt: the published crypt_blowfish test vectors plus a $2y$ hash; $6$: `openssl passwd -6`;
// {SHA}: base64 of `openssl dgst -sha1 -binary`; $apr1$: `openssl passwd -apr1`.
constexpr Vector kVectors[] = {
    {"U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
     PasswordScheme::kBcrypt},
    {"U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK",
     PasswordScheme::kBcrypt},
    {"password", "$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",
     PasswordScheme::kBcrypt},
    {"password",
     "$6$saltsaltsalt$hu2MB85GKhCdSuPyy/Ac2I1avaZTRAa9f2YbpKlogMwpK13RIetDflQrNI0bK/af8sX3q7/"
     "Mi4VFc44T.vgRQ/",
     PasswordScheme::kSha512Crypt},
    {"correct horse battery staple",
     "$6$saltsaltsalt$ST/mWEmUvGaF8bR7RgZUdh5cwHaiiTTLMzdmz6VYMGgVtDKO8Huz6GcoOtpj0X0zfFtfnn1aYJ"
     "nZLSFBw4K2p0",
     PasswordScheme::kSha512Crypt},
    {"password", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", PasswordScheme::kSha1},
    {"p@ss:word", "{SHA}XVo4QKYxOH2OeKuETjdaW6SkHls=", PasswordScheme::kSha1},
    {"password", "$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1", PasswordScheme::kApr1},
    {"p@ss:word", "$apr1$Zx9q/A.b$MfHr3JQ99l6rxH5C3CTre/", PasswordScheme::kApr1},
};

TEST(PasswordHash, VerifiesKnownVectorsOfEveryScheme) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.hash);
    EXPECT_EQ(IdentifyPasswordScheme(v.hash), v.scheme);
    EXPECT_TRUE(VerifyPassword(v.password, v.hash));
    EXPECT_FALSE(VerifyPassword(std::string(v.password) + "x", v.hash));
    EXPECT_FALSE(VerifyPassword("", v.hash));
  }
}

TEST(PasswordHash, BcryptVariantsAgreeForAsciiPasswords) {
  // $2a$, $2b$ and $2y$ differ only for 8-bit passwords; Apache writes $2y$, PHP $2y$, Python $2b$.
  EXPECT_TRUE(
      VerifyPassword("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      VerifyPassword("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

TEST(PasswordHash, RefusesUnsupportedAndMalformedHashes) {
  EXPECT_EQ(IdentifyPasswordScheme("password"), PasswordScheme::kUnsupported);
  EXPECT_FALSE(VerifyPassword("password", "password"));  // plain text is never accepted
  EXPECT_FALSE(VerifyPassword("password", "$1$saltsalt$Rj0NOMBFWrVuKMaQ0eh2k/"));
  EXPECT_FALSE(VerifyPassword("password", "abJnggxhB/yWI"));  // DES crypt
  EXPECT_FALSE(VerifyPassword("password", "$2y$04$short"));
  EXPECT_FALSE(VerifyPassword("password", "{SHA}"));
  EXPECT_FALSE(VerifyPassword(std::string("pass\0word", 9),
                              "$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm"));
}

TEST(PasswordHash, NewBcryptHashesVerifyAndAreSaltedEachTime) {
  Result<std::string> a = HashPasswordBcrypt("hunter2hunter2", 4);
  Result<std::string> b = HashPasswordBcrypt("hunter2hunter2", 4);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->substr(0, 7), "$2y$04$");
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("hunter2hunter2", *a));
  EXPECT_FALSE(VerifyPassword("hunter2hunter3", *a));
  EXPECT_EQ(BcryptCost(*a), 4);
}

TEST(PasswordHash, RefusesPasswordsBcryptWouldTruncate) {
  EXPECT_FALSE(HashPasswordBcrypt(std::string(73, 'a'), 4).ok());
  EXPECT_TRUE(HashPasswordBcrypt(std::string(72, 'a'), 4).ok());
  EXPECT_FALSE(HashPasswordBcrypt("password", 3).ok());
}

TEST(PasswordHash, CostTwelveTakesLongEnoughToSlowGuessing) {
  auto start = std::chrono::steady_clock::now();
  Result<std::string> h = HashPasswordBcrypt("a reasonable password", kMinBcryptCost);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(BcryptCost(*h), 12);
  // 4096 Blowfish key schedules: tens of milliseconds even on fast hardware.
  EXPECT_GT(elapsed, std::chrono::milliseconds(20));
}

TEST(PasswordHash, WeakSchemesAreFlagged) {
  EXPECT_TRUE(IsWeakPasswordScheme(PasswordScheme::kApr1));
  EXPECT_TRUE(IsWeakPasswordScheme(PasswordScheme::kSha1));
  EXPECT_FALSE(IsWeakPasswordScheme(PasswordScheme::kBcrypt));
  EXPECT_FALSE(IsWeakPasswordScheme(PasswordScheme::kSha512Crypt));
}

}  // namespace
}  // namespace perimeter
