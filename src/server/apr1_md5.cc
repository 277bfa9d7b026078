// MD5-crypt as published by Poul-Henning Kamp (FreeBSD, 1994) and used by Apache with the magic
// "$apr1$": an MD5 over password, magic and salt mixed with an "alternate" digest, then 1000
// rounds that alternate password, salt and the previous digest, then a custom base-64 of the
// digest bytes in a fixed permuted order.
#include "server/apr1_md5.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace perimeter {
namespace {

using Digest = std::array<unsigned char, 16>;

class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr); }
  void Update(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
  void Update(const Digest& d, size_t n) { EVP_DigestUpdate(ctx_.get(), d.data(), n); }
  Digest Final() {
    Digest d{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), d.data(), &len);
    return d;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

// crypt's base-64 alphabet, least significant 6 bits first.
void AppendBase64(unsigned value, int chars, std::string* out) {
  static constexpr char kAlphabet[] =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < chars; ++i) {
    out->push_back(kAlphabet[value & 0x3f]);
    value >>= 6;
  }
}

}  // namespace

std::string Apr1Md5Crypt(std::string_view password, std::string_view salt) {
  size_t end = salt.find('$');
  if (end != std::string_view::npos) salt = salt.substr(0, end);
  if (salt.size() > kApr1MaxSaltLength) salt = salt.substr(0, kApr1MaxSaltLength);

  Md5 alternate;
  alternate.Update(password);
  alternate.Update(salt);
  alternate.Update(password);
  Digest alt = alternate.Final();

  Md5 ctx;
  ctx.Update(password);
  ctx.Update(kApr1Magic);
  ctx.Update(salt);
  for (size_t left = password.size(); left > 0; left -= std::min<size_t>(left, 16)) {
    ctx.Update(alt, std::min<size_t>(left, 16));
  }
  // One byte per bit of the password length: a NUL for set bits, the first password character
  // for clear ones (the original code's quirk, kept by every implementation).
  Digest zero{};
  for (size_t bits = password.size(); bits != 0; bits >>= 1) {
    if (bits & 1) {
      ctx.Update(zero, 1);
    } else {
      ctx.Update(password.substr(0, 1));
    }
  }
  Digest digest = ctx.Final();

  // Stretching: 1000 rounds, each mixing the previous digest with password and salt in an
  // order decided by the round number.
  std::string_view digest_view;
  for (int round = 0; round < 1000; ++round) {
    Md5 r;
    digest_view = std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
    if (round & 1) {
      r.Update(password);
    } else {
      r.Update(digest_view);
    }
    if (round % 3) r.Update(salt);
    if (round % 7) r.Update(password);
    if (round & 1) {
      r.Update(digest_view);
    } else {
      r.Update(password);
    }
    digest = r.Final();
  }

  std::string out(kApr1Magic);
  out += salt;
  out.push_back('$');
  const Digest& d = digest;
  AppendBase64((d[0] << 16) | (d[6] << 8) | d[12], 4, &out);
  AppendBase64((d[1] << 16) | (d[7] << 8) | d[13], 4, &out);
  AppendBase64((d[2] << 16) | (d[8] << 8) | d[14], 4, &out);
  AppendBase64((d[3] << 16) | (d[9] << 8) | d[15], 4, &out);
  AppendBase64((d[4] << 16) | (d[10] << 8) | d[5], 4, &out);
  AppendBase64(d[11], 2, &out);
  return out;
}

}  // namespace perimeter
