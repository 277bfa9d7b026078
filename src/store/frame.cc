#include "store/frame.h"

#include <zstd.h>

#include <memory>

#include "store/byte_coding.h"
#include "store/part_format.h"

namespace perimeter::store {

namespace {

// zstd contexts are reused per thread: creating one costs more than compressing a small block.
ZSTD_CCtx* ThreadCompressor() {
  struct Holder {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    ~Holder() { ZSTD_freeCCtx(ctx); }
  };
  thread_local Holder h;
  return h.ctx;
}

ZSTD_DCtx* ThreadDecompressor() {
  struct Holder {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(ctx); }
  };
  thread_local Holder h;
  return h.ctx;
}

// Blocks this small are stored raw: zstd's frame header would eat the gain.
constexpr size_t kMinCompressBytes = 32;

}  // namespace

void AppendFrame(std::string_view raw, std::string* out) {
  size_t start = out->size();
  out->push_back(static_cast<char>(FrameCodec::kRaw));
  PutFixed32(out, static_cast<uint32_t>(raw.size()));
  bool stored = false;
  if (raw.size() >= kMinCompressBytes) {
    size_t bound = ZSTD_compressBound(raw.size());
    size_t body = out->size();
    out->resize(body + bound);
    size_t n = ZSTD_compressCCtx(ThreadCompressor(), out->data() + body, bound, raw.data(),
                                 raw.size(), kZstdLevel);
    if (!ZSTD_isError(n) && n < raw.size()) {
      out->resize(body + n);
      (*out)[start] = static_cast<char>(FrameCodec::kZstd);
      stored = true;
    } else {
      out->resize(body);
    }
  }
  if (!stored) out->append(raw);
  PutFixed64(out, Checksum(std::string_view(*out).substr(start)));
}

Status DecodeFrame(std::string_view stored, std::string_view what, std::string* raw) {
  if (stored.size() < kFrameOverheadBytes) {
    return Status::Corruption(std::string(what) + ": frame too short");
  }
  std::string_view covered = stored.substr(0, stored.size() - 8);
  if (Checksum(covered) != LoadFixed64(stored.data() + covered.size())) {
    return Status::Corruption(std::string(what) + ": checksum mismatch");
  }
  uint8_t codec = static_cast<uint8_t>(stored[0]);
  uint32_t raw_size = LoadFixed32(stored.data() + 1);
  std::string_view body = covered.substr(5);
  if (raw_size > kMaxFrameRawBytes) {
    return Status::Corruption(std::string(what) + ": frame size " + std::to_string(raw_size));
  }
  if (codec == static_cast<uint8_t>(FrameCodec::kRaw)) {
    if (body.size() != raw_size) return Status::Corruption(std::string(what) + ": size mismatch");
    raw->assign(body);
    return Status::OK();
  }
  if (codec != static_cast<uint8_t>(FrameCodec::kZstd)) {
    return Status::Corruption(std::string(what) + ": unknown codec " + std::to_string(codec));
  }
  raw->resize(raw_size);
  size_t n =
      ZSTD_decompressDCtx(ThreadDecompressor(), raw->data(), raw_size, body.data(), body.size());
  if (ZSTD_isError(n) || n != raw_size) {
    return Status::Corruption(std::string(what) + ": zstd: " +
                              (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch"));
  }
  return Status::OK();
}

}  // namespace perimeter::store
