// The AAC copy of a video, in the shape of FFmpeg's doc/examples/transcode_aac.c for the sound and
// remux.c for everything else: one pass over the source's packets, video packets written as they
// are, sound packets decoded, resampled to what the encoder takes, cut into its frame size and
// encoded.
#include "avkit/aac_copy.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "avkit/decoder.hpp"
#include "avkit/encode_file.hpp"
#include "avkit/open_input.hpp"

namespace wt::av {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t k_bit_rate = 128'000;
constexpr const char* k_what = "the sound (aac)";

Error out_of_memory() { return Error{ErrorCode::internal, "out of memory making the AAC copy"}; }

// The rate the encoder takes nearest the source's: the source's own when AAC has it, else 48 kHz.
int encoder_rate(const AVCodec* codec, int source_rate) {
    for (const int* r = codec->supported_samplerates; r && *r; ++r)
        if (*r == source_rate) return source_rate;
    return 48000;
}

// The sound on its way from the source's decoder to the AAC encoder. Its packets come out in the
// encoder's time base (1 / sample rate), stamped from the first decoded frame's time on.
class AacSound {
public:
    static Result<std::unique_ptr<AacSound>> open(const AVStream* source) {
        auto sound = std::make_unique<AacSound>();
        auto dec = open_decoder(source);
        if (!dec) return fail(ErrorCode::bad_media, "its sound cannot be decoded: " + dec.error().message);
        sound->decoder_ = std::move(*dec);
        const AVCodec* codec = avcodec_find_encoder_by_name("aac");
        if (!codec) return fail(ErrorCode::internal, "this FFmpeg has no aac encoder; install libavcodec59 from Debian");
        sound->encoder_.reset(avcodec_alloc_context3(codec));
        AVCodecContext* c = sound->encoder_.get();
        if (!c || !sound->decoded_ || !sound->converted_ || !sound->chunk_ || !sound->packet_)
            return std::unexpected(out_of_memory());
        c->sample_rate = encoder_rate(codec, sound->decoder_->sample_rate);
        c->sample_fmt = AV_SAMPLE_FMT_FLTP;
        av_channel_layout_default(&c->ch_layout, sound->decoder_->ch_layout.nb_channels >= 2 ? 2 : 1);
        c->bit_rate = k_bit_rate;
        c->time_base = {1, c->sample_rate};
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 keeps the decoder's setup in its header
        if (const int ret = avcodec_open2(c, codec, nullptr); ret < 0)
            return fail(ErrorCode::internal, fmt::format("cannot open the aac encoder ({})", error_text(ret)));
        sound->fifo_.reset(av_audio_fifo_alloc(c->sample_fmt, c->ch_layout.nb_channels, c->frame_size));
        if (!sound->fifo_) return std::unexpected(out_of_memory());
        return sound;
    }

    AVCodecContext* encoder() const { return encoder_.get(); }

    // Decodes `packet` (nullptr: the end of the sound) and encodes what it gives. A packet the
    // decoder refuses is skipped, as every reader of damaged input does (avkit/decoder.hpp).
    Result<void> push(const AVPacket* packet, const PacketSink& sink) {
        const int sent = avcodec_send_packet(decoder_.get(), packet);
        if (sent == AVERROR(ENOMEM)) return std::unexpected(out_of_memory());
        for (;;) {
            const int got = avcodec_receive_frame(decoder_.get(), decoded_.get());
            if (got == AVERROR(ENOMEM)) return std::unexpected(out_of_memory());
            if (got < 0) break;  // wants more, has ended, or a damaged frame: nothing to encode
            auto taken = take(decoded_.get(), sink);
            av_frame_unref(decoded_.get());
            if (!taken) return taken;
        }
        if (packet) return {};
        if (swr_) {  // what the resampler still holds
            if (auto r = resample(nullptr, 0); !r) return r;
        }
        if (auto r = encode_fifo(true, sink); !r) return r;
        return encode_and_drain(encoder_.get(), nullptr, packet_.get(), k_what, sink);
    }

private:
    Result<void> take(const AVFrame* frame, const PacketSink& sink) {
        if (next_pts_ == AV_NOPTS_VALUE) {
            const std::int64_t at = frame->best_effort_timestamp;
            next_pts_ = at == AV_NOPTS_VALUE ? 0
                                             : std::max<std::int64_t>(0, av_rescale_q(at, decoder_->pkt_timebase,
                                                                                      encoder_->time_base));
        }
        if (auto r = set_up_resampler(frame); !r) return r;
        if (auto r = resample(const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples); !r) return r;
        return encode_fifo(false, sink);
    }

    // (Again) when the decoded sound's format changes: devices and damaged files may do that.
    Result<void> set_up_resampler(const AVFrame* f) {
        if (swr_ && f->sample_rate == in_rate_ && f->format == in_format_ &&
            f->ch_layout.nb_channels == in_channels_)
            return {};
        AVChannelLayout in_layout{};
        if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
            av_channel_layout_default(&in_layout, f->ch_layout.nb_channels);
        else
            av_channel_layout_copy(&in_layout, &f->ch_layout);
        SwrContext* raw = nullptr;
        int ret = swr_alloc_set_opts2(&raw, &encoder_->ch_layout, encoder_->sample_fmt, encoder_->sample_rate,
                                      &in_layout, static_cast<AVSampleFormat>(f->format), f->sample_rate, 0, nullptr);
        av_channel_layout_uninit(&in_layout);
        swr_.reset(raw);
        if (ret < 0 || (ret = swr_init(raw)) < 0)
            return fail(ErrorCode::bad_media, fmt::format("its sound cannot be converted ({})", error_text(ret)));
        in_rate_ = f->sample_rate;
        in_format_ = f->format;
        in_channels_ = f->ch_layout.nb_channels;
        return {};
    }

    // `frame` emptied and given room for `samples` samples in the encoder's format.
    Result<void> make_room(AVFrame* frame, int samples) {
        av_frame_unref(frame);
        frame->nb_samples = samples;
        frame->format = encoder_->sample_fmt;
        frame->sample_rate = encoder_->sample_rate;
        if (av_channel_layout_copy(&frame->ch_layout, &encoder_->ch_layout) < 0 || av_frame_get_buffer(frame, 0) < 0)
            return std::unexpected(out_of_memory());
        return {};
    }

    // `n` samples (none: what the resampler holds) converted into the FIFO.
    Result<void> resample(const std::uint8_t** in, int n) {
        const int room = swr_get_out_samples(swr_.get(), n);
        if (room <= 0) return {};
        if (auto r = make_room(converted_.get(), room); !r) return r;
        const int got = swr_convert(swr_.get(), converted_->data, room, in, n);
        if (got < 0) return fail(ErrorCode::bad_media, fmt::format("resampling its sound failed ({})", error_text(got)));
        if (got > 0 && av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(converted_->data), got) < got)
            return std::unexpected(out_of_memory());
        return {};
    }

    // Whole encoder frames from the FIFO; at the end also the rest (the encoder takes a short last frame).
    Result<void> encode_fifo(bool final, const PacketSink& sink) {
        const int frame_size = encoder_->frame_size;
        while (av_audio_fifo_size(fifo_.get()) >= frame_size || (final && av_audio_fifo_size(fifo_.get()) > 0)) {
            const int n = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
            if (auto r = make_room(chunk_.get(), n); !r) return r;
            if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(chunk_->data), n) < n)
                return fail(ErrorCode::internal, "the AAC copy's sound buffer ran short");
            chunk_->pts = next_pts_;
            next_pts_ += n;
            if (auto r = encode_and_drain(encoder_.get(), chunk_.get(), packet_.get(), k_what, sink); !r) return r;
        }
        return {};
    }

    CodecContextPtr decoder_;
    CodecContextPtr encoder_;
    SwrPtr swr_;
    AudioFifoPtr fifo_;
    FramePtr decoded_ = make_frame();
    FramePtr converted_ = make_frame();
    FramePtr chunk_ = make_frame();
    PacketPtr packet_ = make_packet();
    std::int64_t next_pts_ = AV_NOPTS_VALUE;
    int in_rate_ = 0, in_format_ = -1, in_channels_ = 0;
};

// The copy being written: which source stream goes where, and the sound's encoder.
struct Copy {
    OutputFormatPtr output;
    std::vector<int> map;  // source stream -> output stream, or -1 (left out)
    int sound_source = -1;
    std::unique_ptr<AacSound> sound;  // none when the sound is copied as it is
};

// The output's streams: every video but cover art, and the best sound (AAC).
Result<Copy> set_up(AVFormatContext* in, const std::string& url) {
    Copy copy;
    AVFormatContext* raw = nullptr;
    if (const int ret = avformat_alloc_output_context2(&raw, nullptr, "mp4", url.c_str()); ret < 0)
        return fail(ErrorCode::internal, fmt::format("no MP4 muxer ({})", error_text(ret)));
    copy.output.reset(raw);
    copy.map.assign(in->nb_streams, -1);
    copy.sound_source = av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    for (unsigned i = 0; i < in->nb_streams; ++i) {
        const AVStream* st = in->streams[i];
        const bool video = st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
                           !(st->disposition & AV_DISPOSITION_ATTACHED_PIC);
        const bool sound = static_cast<int>(i) == copy.sound_source;
        if (!video && !sound) continue;
        AVStream* out = avformat_new_stream(raw, nullptr);
        if (!out) return std::unexpected(out_of_memory());
        if (sound && st->codecpar->codec_id != AV_CODEC_ID_AAC) {
            auto s = AacSound::open(st);
            if (!s) return std::unexpected(s.error());
            copy.sound = std::move(*s);
            if (avcodec_parameters_from_context(out->codecpar, copy.sound->encoder()) < 0)
                return std::unexpected(out_of_memory());
            out->time_base = copy.sound->encoder()->time_base;
        } else {
            if (avcodec_parameters_copy(out->codecpar, st->codecpar) < 0) return std::unexpected(out_of_memory());
            out->codecpar->codec_tag = 0;  // the MP4 muxer picks its own
            out->time_base = st->time_base;
        }
        copy.map[i] = out->index;
    }
    if (std::all_of(copy.map.begin(), copy.map.end(), [](int m) { return m < 0; }))
        return fail(ErrorCode::bad_media, "it holds no video or sound");
    return copy;
}

// Every packet of the source into the copy, then the copy's end.
Result<void> write_packets(AVFormatContext* in, Copy& copy, const std::atomic<bool>* stop) {
    AVFormatContext* out = copy.output.get();
    auto write = [&](AVPacket* p, AVRational from, int stream) -> Result<void> {
        av_packet_rescale_ts(p, from, out->streams[stream]->time_base);
        p->stream_index = stream;
        p->pos = -1;
        const int ret = av_interleaved_write_frame(out, p);
        if (ret < 0) return fail(ErrorCode::io, fmt::format("writing the copy failed ({})", error_text(ret)));
        return {};
    };
    const int sound_out = copy.sound ? copy.map[static_cast<size_t>(copy.sound_source)] : -1;
    const PacketSink encoded = [&](AVPacket* p) { return write(p, copy.sound->encoder()->time_base, sound_out); };
    PacketPtr pkt = make_packet();
    if (!pkt) return std::unexpected(out_of_memory());
    // A read error ends the input like its end (the decoders' policy): a torn file gives what it has.
    while (av_read_frame(in, pkt.get()) >= 0) {
        if (stop && stop->load()) return fail(ErrorCode::conflict, "stopped before the copy was finished");
        const int s = pkt->stream_index;
        const int to = copy.map[static_cast<size_t>(s)];
        Result<void> done;
        if (to >= 0 && s == copy.sound_source && copy.sound)
            done = copy.sound->push(pkt.get(), encoded);
        else if (to >= 0)
            done = write(pkt.get(), in->streams[s]->time_base, to);
        av_packet_unref(pkt.get());
        if (!done) return done;
    }
    if (copy.sound) {
        if (auto r = copy.sound->push(nullptr, encoded); !r) return r;
    }
    if (const int ret = av_write_trailer(out); ret < 0)
        return fail(ErrorCode::io, fmt::format("finishing the copy failed ({})", error_text(ret)));
    if (const int ret = avio_closep(&out->pb); ret < 0)
        return fail(ErrorCode::io, fmt::format("finishing the copy failed ({})", error_text(ret)));
    return {};
}

}  // namespace

Result<void> write_aac_copy(const fs::path& source, const fs::path& target, const std::atomic<bool>* stop) {
    auto input = detail::open_input(source);
    if (!input) return std::unexpected(input.error());
    detail::TempFile tmp(target);
    if (!tmp.ok())
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(target), std::strerror(errno)));
    // "file:" so that a folder name with a colon in it is never taken for a protocol.
    const std::string url = "file:" + tmp.path().string();
    auto copy = set_up(input->get(), url);
    if (!copy) {
        return fail(copy.error().code,
                    fmt::format("cannot make an AAC copy of {}: {}", detail::quoted(source), copy.error().message));
    }
    AVFormatContext* out = copy->output.get();
    if (const int ret = avio_open(&out->pb, url.c_str(), AVIO_FLAG_WRITE); ret < 0)
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(tmp.path()), error_text(ret)));
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "movflags", "+faststart", 0);  // the index first: a browser plays at once
    const int ret = avformat_write_header(out, &opts);
    av_dict_free(&opts);
    if (ret < 0)
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(tmp.path()), error_text(ret)));
    if (auto r = write_packets(input->get(), *copy, stop); !r) {
        return fail(r.error().code,
                    fmt::format("cannot make an AAC copy of {}: {}", detail::quoted(source), r.error().message));
    }
    if (!tmp.sync_and_close())
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(tmp.path()), std::strerror(errno)));
    // Never over a copy someone else finished meanwhile: readers of that one keep a file that stays.
    if (::renameat2(AT_FDCWD, tmp.path().c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
        tmp.keep();
    } else if (errno != EEXIST) {
        return fail(ErrorCode::io, fmt::format("cannot write {}: {}", detail::quoted(target), std::strerror(errno)));
    }
    return {};
}

}  // namespace wt::av
