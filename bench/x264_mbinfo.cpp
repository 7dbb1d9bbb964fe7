// x264_mbinfo: how much of x264's CPU goes to macroblocks that did not change, measured on the
// pictures x264-trials feeds it (raw yuv420p in NUT, unchanged pictures already left out). It encodes
// them with libx264 directly, as the recorder's settings do (veryfast, CRF 23, no lookahead, no
// B-frames, one thread), once as the recorder does today and once telling x264 which macroblocks
// are the same as in the previous picture (mb_info with X264_MBINFO_CONSTANT, which FFmpeg 5.1's
// libx264 wrapper cannot pass). Prints one JSON line: x264's thread CPU, bytes, mean luma SSIM of
// the encoded pictures, the share of macroblocks marked unchanged, and the CPU of finding them.
//
// Usage: x264_mbinfo FRAMES.nut [--mb-info]
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
#include <x264.h>
}

namespace {

double thread_cpu_s() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "x264_mbinfo: %s\n", what);
    std::exit(1);
}

// Whether the size x size block at (x, y) of a plane is the same in both pictures.
bool same_block(const uint8_t* a, const uint8_t* b, int stride, int height, int x, int y, int size) {
    for (int row = y; row < y + size && row < height; ++row) {
        const int width = std::min(size, stride - x);
        if (std::memcmp(a + row * stride + x, b + row * stride + x, static_cast<size_t>(width)) != 0) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) die("usage: x264_mbinfo FRAMES.nut [--mb-info]");
    const bool use_mb_info = argc > 2 && std::strcmp(argv[2], "--mb-info") == 0;

    AVFormatContext* in = nullptr;
    if (avformat_open_input(&in, argv[1], nullptr, nullptr) < 0) die("cannot open the frames file");
    if (avformat_find_stream_info(in, nullptr) < 0) die("cannot read the frames file");
    const AVStream* st = in->streams[0];
    const int w = st->codecpar->width, h = st->codecpar->height;
    if (st->codecpar->codec_id != AV_CODEC_ID_RAWVIDEO || st->codecpar->format != AV_PIX_FMT_YUV420P || w % 2 || h % 2)
        die("the frames must be raw yuv420p of even size");
    const size_t luma = static_cast<size_t>(w) * h, chroma = luma / 4;

    x264_param_t p;
    if (x264_param_default_preset(&p, "veryfast", nullptr) < 0) die("no veryfast preset");
    p.i_threads = 1;
    p.i_bframe = 0;
    p.rc.i_lookahead = 0;
    p.i_sync_lookahead = 0;
    p.i_keyint_max = 300;
    p.i_keyint_min = 30;
    p.rc.i_rc_method = X264_RC_CRF;
    p.rc.f_rf_constant = 23;
    p.i_width = w;
    p.i_height = h;
    p.i_csp = X264_CSP_I420;
    p.b_vfr_input = 1;
    p.i_timebase_num = 1;
    p.i_timebase_den = 1000;
    p.i_fps_num = 30;
    p.i_fps_den = 1;
    p.vui.i_colorprim = p.vui.i_transfer = p.vui.i_colmatrix = 1;  // BT.709
    p.analyse.b_ssim = 1;
    p.analyse.b_mb_info = use_mb_info;
    p.i_log_level = X264_LOG_INFO;  // its closing summary (with SSIM Mean Y) goes to stderr
    if (x264_param_apply_profile(&p, "high") < 0) die("no high profile");
    x264_t* enc = x264_encoder_open(&p);
    if (!enc) die("x264 would not open");

    const int mbw = (w + 15) / 16, mbh = (h + 15) / 16;
    std::vector<uint8_t> previous;
    double encode_cpu = 0, compare_cpu = 0, ssim_sum = 0;
    long long bytes = 0, frames = 0, ssim_frames = 0, constant_mbs = 0;
    AVPacket* pkt = av_packet_alloc();
    x264_picture_t pic, out;
    x264_nal_t* nals = nullptr;
    int n_nals = 0;
    auto take = [&](int size) {
        if (size < 0) die("x264 failed");
        bytes += size;
        if (size > 0) {
            ssim_sum += out.prop.f_ssim;
            ++ssim_frames;
        }
    };
    while (av_read_frame(in, pkt) >= 0) {
        if (static_cast<size_t>(pkt->size) < luma + 2 * chroma) die("a short picture");
        x264_picture_init(&pic);
        pic.img.i_csp = X264_CSP_I420;
        pic.img.i_plane = 3;
        pic.img.plane[0] = pkt->data;
        pic.img.plane[1] = pkt->data + luma;
        pic.img.plane[2] = pkt->data + luma + chroma;
        pic.img.i_stride[0] = w;
        pic.img.i_stride[1] = pic.img.i_stride[2] = w / 2;
        pic.i_pts = av_rescale_q(pkt->pts, st->time_base, AVRational{1, 1000});
        if (use_mb_info) {
            const double t0 = thread_cpu_s();
            auto* info = static_cast<uint8_t*>(std::calloc(static_cast<size_t>(mbw) * mbh, 1));
            if (!previous.empty()) {
                const uint8_t* a = pkt->data;
                const uint8_t* b = previous.data();
                for (int my = 0; my < mbh; ++my) {
                    for (int mx = 0; mx < mbw; ++mx) {
                        const bool same =
                            same_block(a, b, w, h, mx * 16, my * 16, 16) &&
                            same_block(a + luma, b + luma, w / 2, h / 2, mx * 8, my * 8, 8) &&
                            same_block(a + luma + chroma, b + luma + chroma, w / 2, h / 2, mx * 8, my * 8, 8);
                        if (same) {
                            info[my * mbw + mx] = X264_MBINFO_CONSTANT;
                            ++constant_mbs;
                        }
                    }
                }
            }
            previous.assign(pkt->data, pkt->data + luma + 2 * chroma);
            pic.prop.mb_info = info;
            pic.prop.mb_info_free = std::free;
            compare_cpu += thread_cpu_s() - t0;
        }
        const double t0 = thread_cpu_s();
        take(x264_encoder_encode(enc, &nals, &n_nals, &pic, &out));
        encode_cpu += thread_cpu_s() - t0;
        ++frames;
        av_packet_unref(pkt);
    }
    const double t0 = thread_cpu_s();
    while (x264_encoder_delayed_frames(enc) > 0) take(x264_encoder_encode(enc, &nals, &n_nals, nullptr, &out));
    encode_cpu += thread_cpu_s() - t0;
    x264_encoder_close(enc);
    av_packet_free(&pkt);
    avformat_close_input(&in);
    std::printf(
        "{\"mb_info\":%s,\"frames\":%lld,\"x264_cpu_s\":%.3f,\"compare_cpu_s\":%.3f,\"bytes\":%lld,"
        "\"ssim\":%.5f,\"constant_mb_share\":%.4f}\n",
        use_mb_info ? "true" : "false", frames, encode_cpu, compare_cpu, bytes,
        ssim_frames ? ssim_sum / static_cast<double>(ssim_frames) : 0.0,
        frames ? static_cast<double>(constant_mbs) / static_cast<double>(frames * mbw * mbh) : 0.0);
    return 0;
}
