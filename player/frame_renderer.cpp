#include "player/frame_renderer.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

// The core-profile header only declares what a 3.3 core context has, so deprecated calls
// (GL_LUMINANCE, client arrays) cannot creep in. Mesa's libGL exports these entry points directly.
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace wt::player {

namespace {

namespace fs = std::filesystem;

// Move-only owner of a GL name, deleted with `Delete`.
template <void (*Delete)(GLuint)>
class GlHandle {
public:
    GlHandle() = default;
    explicit GlHandle(GLuint id) : id_(id) {}
    GlHandle(GlHandle&& o) noexcept : id_(std::exchange(o.id_, 0)) {}
    GlHandle& operator=(GlHandle&& o) noexcept {
        if (this != &o) {
            if (id_) Delete(id_);
            id_ = std::exchange(o.id_, 0);
        }
        return *this;
    }
    ~GlHandle() {
        if (id_) Delete(id_);
    }
    GLuint get() const { return id_; }

private:
    GLuint id_ = 0;
};

// GL deletes textures, framebuffers and VAOs as arrays (glDelete*s(n, ids)), shaders and programs one
// by one (glDelete*(id)): this adapts the first kind to the second.
template <void (*DeleteArray)(GLsizei, const GLuint*)>
void delete_one(GLuint id) {
    DeleteArray(1, &id);
}

using Texture = GlHandle<delete_one<glDeleteTextures>>;
using Framebuffer = GlHandle<delete_one<glDeleteFramebuffers>>;
using VertexArray = GlHandle<delete_one<glDeleteVertexArrays>>;
using Shader = GlHandle<glDeleteShader>;
using ProgramId = GlHandle<glDeleteProgram>;

Texture make_texture() {
    GLuint id = 0;
    glGenTextures(1, &id);
    return Texture(id);
}

constexpr int kUnits = 3;  // texture units the conversion pass samples from

// Everything a call changes, captured on entry and put back on exit, so the renderer and ImGui's
// GL3 backend never see each other's settings (pixel-store state is global to the context; SDL and
// ImGui both set GL_UNPACK_ROW_LENGTH, see ImGui #752).
class StateGuard {
public:
    StateGuard() {
        glGetIntegerv(GL_CURRENT_PROGRAM, &program_);
        glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &vao_);
        glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw_fbo_);
        glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read_fbo_);
        glGetIntegerv(GL_VIEWPORT, viewport_.data());
        glGetIntegerv(GL_POLYGON_MODE, polygon_mode_.data());
        glGetIntegerv(GL_ACTIVE_TEXTURE, &active_texture_);
        for (int i = 0; i < kUnits; ++i) {
            glActiveTexture(GL_TEXTURE0 + i);
            glGetIntegerv(GL_TEXTURE_BINDING_2D, &textures_[i]);
            glGetIntegerv(GL_SAMPLER_BINDING, &samplers_[i]);
        }
        glGetIntegerv(GL_PIXEL_UNPACK_BUFFER_BINDING, &unpack_buffer_);
        glGetIntegerv(GL_PIXEL_PACK_BUFFER_BINDING, &pack_buffer_);
        for (std::size_t i = 0; i < kPixelStore.size(); ++i) glGetIntegerv(kPixelStore[i], &pixel_store_[i]);
        for (std::size_t i = 0; i < kSwitches.size(); ++i) switches_[i] = glIsEnabled(kSwitches[i]);
    }
    ~StateGuard() {
        glUseProgram(program_);
        glBindVertexArray(vao_);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, draw_fbo_);
        glBindFramebuffer(GL_READ_FRAMEBUFFER, read_fbo_);
        glViewport(viewport_[0], viewport_[1], viewport_[2], viewport_[3]);
        glPolygonMode(GL_FRONT_AND_BACK, polygon_mode_[0]);
        for (int i = 0; i < kUnits; ++i) {
            glActiveTexture(GL_TEXTURE0 + i);
            glBindTexture(GL_TEXTURE_2D, textures_[i]);
            glBindSampler(i, samplers_[i]);
        }
        glActiveTexture(active_texture_);
        glBindBuffer(GL_PIXEL_UNPACK_BUFFER, unpack_buffer_);
        glBindBuffer(GL_PIXEL_PACK_BUFFER, pack_buffer_);
        for (std::size_t i = 0; i < kPixelStore.size(); ++i) glPixelStorei(kPixelStore[i], pixel_store_[i]);
        for (std::size_t i = 0; i < kSwitches.size(); ++i)
            switches_[i] ? glEnable(kSwitches[i]) : glDisable(kSwitches[i]);
    }
    StateGuard(const StateGuard&) = delete;
    StateGuard& operator=(const StateGuard&) = delete;

    // A neutral state for our own pass: no PBO would turn pixel pointers into buffer offsets, no
    // scissor or blend left on by ImGui would clip or mix the picture, no sampler object would
    // override the textures' filtering.
    static void neutral() {
        glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
        glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
        for (std::size_t i = 0; i < kPixelStore.size(); ++i)
            glPixelStorei(kPixelStore[i],
                          kPixelStore[i] == GL_UNPACK_ALIGNMENT || kPixelStore[i] == GL_PACK_ALIGNMENT ? 4 : 0);
        for (GLenum s : kSwitches) glDisable(s);
        glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
        for (int i = 0; i < kUnits; ++i) glBindSampler(i, 0);
    }

private:
    static constexpr std::array<GLenum, 10> kPixelStore = {
        GL_UNPACK_ALIGNMENT, GL_UNPACK_ROW_LENGTH, GL_UNPACK_SKIP_PIXELS, GL_UNPACK_SKIP_ROWS, GL_UNPACK_IMAGE_HEIGHT,
        GL_PACK_ALIGNMENT,   GL_PACK_ROW_LENGTH,   GL_PACK_SKIP_PIXELS,   GL_PACK_SKIP_ROWS,   GL_PACK_IMAGE_HEIGHT};
    static constexpr std::array<GLenum, 7> kSwitches = {
        GL_BLEND,     GL_SCISSOR_TEST,     GL_DEPTH_TEST,        GL_STENCIL_TEST,
        GL_CULL_FACE, GL_FRAMEBUFFER_SRGB, GL_RASTERIZER_DISCARD};
    GLint program_ = 0, vao_ = 0, draw_fbo_ = 0, read_fbo_ = 0, active_texture_ = GL_TEXTURE0;
    GLint unpack_buffer_ = 0, pack_buffer_ = 0;
    std::array<GLint, 4> viewport_{};
    std::array<GLint, 2> polygon_mode_{GL_FILL, GL_FILL};
    std::array<GLint, kUnits> textures_{}, samplers_{};
    std::array<GLint, kPixelStore.size()> pixel_store_{};
    std::array<GLboolean, kSwitches.size()> switches_{};
};

// How the planes of a 4:2:0 picture are laid out in GL.
enum class Layout { none, planar, nv12 };

struct Program {
    ProgramId id;
    GLint matrix = -1, offset = -1, chroma_scale = -1, chroma_offset = -1, flip = -1;
    GLint orient = -1, orient_offset = -1;  // in the vertex shader
    std::array<GLint, kUnits> samplers{-1, -1, -1};
};

Result<std::string> read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return fail(ErrorCode::not_found,
                    fmt::format("cannot read the shader '{}': {}; set WT_SHADERS_DIR to the folder holding "
                                "walkthrough's shaders",
                                file.string(), std::strerror(errno)));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string info_log(GLuint id, bool program) {
    GLint len = 0;
    program ? glGetProgramiv(id, GL_INFO_LOG_LENGTH, &len) : glGetShaderiv(id, GL_INFO_LOG_LENGTH, &len);
    std::string log(static_cast<std::size_t>(std::max(len, 1)), '\0');
    GLsizei got = 0;
    program ? glGetProgramInfoLog(id, len, &got, log.data()) : glGetShaderInfoLog(id, len, &got, log.data());
    log.resize(static_cast<std::size_t>(std::max(got, 0)));
    while (!log.empty() && (log.back() == '\n' || log.back() == '\0')) log.pop_back();
    return log.empty() ? "(the driver gave no log)" : log;
}

Result<Shader> compile(GLenum type, const fs::path& file) {
    auto text = read_text(file);
    if (!text) return std::unexpected(text.error());
    Shader shader(glCreateShader(type));
    const char* src = text->c_str();
    const auto len = static_cast<GLint>(text->size());
    glShaderSource(shader.get(), 1, &src, &len);
    glCompileShader(shader.get());
    GLint ok = GL_FALSE;
    glGetShaderiv(shader.get(), GL_COMPILE_STATUS, &ok);
    if (!ok)
        return fail(ErrorCode::internal,
                    fmt::format("the shader '{}' does not compile: {}", file.string(), info_log(shader.get(), false)));
    return shader;
}

Result<Program> link(const Shader& vert, const fs::path& frag_file, const std::array<const char*, kUnits>& samplers) {
    auto frag = compile(GL_FRAGMENT_SHADER, frag_file);
    if (!frag) return std::unexpected(frag.error());
    Program p;
    p.id = ProgramId(glCreateProgram());
    glAttachShader(p.id.get(), vert.get());
    glAttachShader(p.id.get(), frag->get());
    glLinkProgram(p.id.get());
    GLint ok = GL_FALSE;
    glGetProgramiv(p.id.get(), GL_LINK_STATUS, &ok);
    if (!ok)
        return fail(ErrorCode::internal, fmt::format("the shader '{}' does not link with the vertex shader: {}",
                                                     frag_file.string(), info_log(p.id.get(), true)));
    const GLuint id = p.id.get();
    p.matrix = glGetUniformLocation(id, "u_matrix");
    p.offset = glGetUniformLocation(id, "u_offset");
    p.chroma_scale = glGetUniformLocation(id, "u_chroma_scale");
    p.chroma_offset = glGetUniformLocation(id, "u_chroma_offset");
    p.flip = glGetUniformLocation(id, "u_flip");
    p.orient = glGetUniformLocation(id, "u_orient");
    p.orient_offset = glGetUniformLocation(id, "u_orient_offset");
    for (int i = 0; i < kUnits; ++i) p.samplers[i] = samplers[i] ? glGetUniformLocation(id, samplers[i]) : -1;
    // A shader edited into something that no longer uses a uniform would silently draw wrong colours.
    if (p.matrix < 0 || p.offset < 0 || p.samplers[0] < 0 || p.samplers[1] < 0)
        return fail(ErrorCode::internal, fmt::format("the shader '{}' lacks the uniforms u_matrix, u_offset, u_y or "
                                                     "its chroma sampler; it does not match this walkthrough",
                                                     frag_file.string()));
    if (p.orient < 0 || p.orient_offset < 0)
        return fail(ErrorCode::internal,
                    "the vertex shader 'fullscreen.vert' lacks the uniforms u_orient or "
                    "u_orient_offset; it does not match this walkthrough");
    return p;
}

// Largest of 8/4/2/1 dividing the row stride, so rows start exactly `stride` bytes apart (mpv
// gl_upload_tex).
GLint unpack_alignment(int stride) {
    for (GLint a : {8, 4, 2})
        if (stride % a == 0) return a;
    return 1;
}

// Uploads one plane of w x h texels of `bpp` bytes each. Returns whether the texture holds the plane
// bottom-up (negative linesize), which the shader undoes by flipping its texture coordinate:
// GL_UNPACK_ROW_LENGTH cannot be negative.
bool upload_plane(GLuint texture, GLenum format, int bpp, const std::uint8_t* data, int linesize, int w, int h,
                  std::vector<std::uint8_t>& scratch) {
    bool flipped = false;
    const std::uint8_t* first = data;
    int stride = linesize;
    if (linesize < 0) {
        first = data + static_cast<std::ptrdiff_t>(linesize) * (h - 1);
        stride = -linesize;
        flipped = true;
    }
    if (stride % bpp != 0) {
        // A row length in texels cannot express this stride; repack tightly (never seen from libav's
        // own allocators, but a caller-built frame may do it).
        scratch.resize(static_cast<std::size_t>(w) * bpp * h);
        for (int y = 0; y < h; ++y)
            std::memcpy(scratch.data() + static_cast<std::size_t>(y) * w * bpp,
                        first + static_cast<std::ptrdiff_t>(y) * stride, static_cast<std::size_t>(w) * bpp);
        first = scratch.data();
        stride = w * bpp;
    }
    glBindTexture(GL_TEXTURE_2D, texture);
    glPixelStorei(GL_UNPACK_ALIGNMENT, unpack_alignment(stride));
    glPixelStorei(GL_UNPACK_ROW_LENGTH, stride / bpp);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, format, GL_UNSIGNED_BYTE, first);
    return flipped;
}

void allocate(GLuint texture, GLint internal, GLenum format, int w, int h) {
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexImage2D(GL_TEXTURE_2D, 0, internal, w, h, 0, format, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

// Chroma sample position within its 2x2 luma block, in 1/256 luma pixels (0 = on the first luma
// sample, 128 = between the two). Untagged 4:2:0 is MPEG-2/H.264 style (left) unless it is JPEG.
std::pair<int, int> chroma_position(const AVFrame& f) {
    AVChromaLocation loc = f.chroma_location;
    if (loc == AVCHROMA_LOC_UNSPECIFIED)
        loc = (f.format == AV_PIX_FMT_YUVJ420P || f.color_range == AVCOL_RANGE_JPEG) ? AVCHROMA_LOC_CENTER
                                                                                     : AVCHROMA_LOC_LEFT;
    int x = 128, y = 128;
    if (avcodec_enum_to_chroma_pos(&x, &y, loc) < 0) x = y = 128;
    return {x, y};
}

// The vertex shader's map from shown picture coordinates (the target's) back to stored ones: the
// inverse of the turn, which for a quarter turn or mirror is its transpose, and the offset that
// keeps a reversed axis within 0..1.
void set_orientation(const Program& p, av::Orientation t) {
    const float shift_x = t.xx + t.xy < 0 ? 1.0f : 0.0f, shift_y = t.yx + t.yy < 0 ? 1.0f : 0.0f;
    const std::array<float, 4> rows = {float(t.xx), float(t.yx), float(t.xy), float(t.yy)};
    glUniformMatrix2fv(p.orient, 1, GL_TRUE, rows.data());
    glUniform2f(p.orient_offset, -(rows[0] * shift_x + rows[1] * shift_y), -(rows[2] * shift_x + rows[3] * shift_y));
}

}  // namespace

struct FrameRenderer::Gl {
    Program planar, nv12;
    VertexArray vao;
    Framebuffer fbo;
    Texture target;
    std::array<Texture, kUnits> planes;
    Layout layout = Layout::none;
    int plane_w = 0, plane_h = 0;  // size the plane textures were allocated for
    std::vector<std::uint8_t> scratch;
};

// Formats the shaders do not take directly go through libswscale into this yuv420p frame.
struct FrameRenderer::Conversion {
    av::SwsPtr sws;
    av::FramePtr out;
    int w = 0, h = 0;
    AVPixelFormat from = AV_PIX_FMT_NONE;
    bool full = false;

    Result<const AVFrame*> convert(const AVFrame& in);
};

Result<const AVFrame*> FrameRenderer::Conversion::convert(const AVFrame& in) {
    const auto format = static_cast<AVPixelFormat>(in.format);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    if (!desc || (desc->flags & AV_PIX_FMT_FLAG_HWACCEL) || !sws_isSupportedInput(format))
        return fail(ErrorCode::bad_media,
                    fmt::format("cannot show video frames in the {} pixel format", desc ? desc->name : "unknown"));
    const bool rgb = (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) != 0;
    const bool gray = !rgb && desc->nb_components <= 2;
    // Luma-only pictures are full range unless they say otherwise (swscale's view of gray, too).
    const bool full = rgb || in.color_range == AVCOL_RANGE_JPEG || choose_colour(in).range == Range::full ||
                      (gray && in.color_range != AVCOL_RANGE_MPEG);

    if (!sws || w != in.width || h != in.height || from != format || full != this->full) {
        sws.reset(sws_getContext(in.width, in.height, format, in.width, in.height, AV_PIX_FMT_YUV420P,
                                 SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
        if (!sws)
            return fail(ErrorCode::internal,
                        fmt::format("cannot convert {}x{} {} video to yuv420p", in.width, in.height, desc->name));
        // RGB gets an explicit matrix (BT.709, full range: no levels lost) that the output is then
        // tagged with. YUV keeps its own matrix and range: swscale only resamples the chroma, and
        // must not squeeze full range into limited, which it would do by default.
        const int space =
            rgb ? SWS_CS_ITU709 : (choose_colour(in).matrix == Matrix::bt709 ? SWS_CS_ITU709 : SWS_CS_ITU601);
        const int* table = sws_getCoefficients(space);
        if (sws_setColorspaceDetails(sws.get(), table, full, table, full, 0, 1 << 16, 1 << 16) < 0)
            return fail(ErrorCode::internal,
                        fmt::format("cannot set up the colour conversion of {} video", desc->name));
        out = av::make_frame();
        if (!out) return fail(ErrorCode::internal, "out of memory converting a video frame");
        out->format = AV_PIX_FMT_YUV420P;
        out->width = in.width;
        out->height = in.height;
        if (av_frame_get_buffer(out.get(), 0) < 0) {
            sws.reset();
            return fail(ErrorCode::internal, "out of memory converting a video frame");
        }
        w = in.width;
        h = in.height;
        from = format;
        this->full = full;
    }
    if (av_frame_make_writable(out.get()) < 0 ||
        sws_scale(sws.get(), in.data, in.linesize, 0, in.height, out->data, out->linesize) < 0)
        return fail(ErrorCode::internal,
                    fmt::format("converting a {}x{} {} video frame failed", in.width, in.height, desc->name));
    out->color_range = full ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    out->colorspace = rgb ? AVCOL_SPC_BT709 : in.colorspace;
    // 4:2:0 input keeps its chroma where it was; swscale averages anything denser, which puts the
    // new chroma between the luma samples.
    out->chroma_location =
        (!rgb && desc->log2_chroma_w == 1 && desc->log2_chroma_h == 1) ? in.chroma_location : AVCHROMA_LOC_CENTER;
    out->sample_aspect_ratio = in.sample_aspect_ratio;
    out->pts = in.pts;
    return out.get();
}

Result<fs::path> FrameRenderer::find_shader_dir() {
    std::error_code ec;
    if (const char* env = std::getenv("WT_SHADERS_DIR"); env && *env) {
        if (fs::is_directory(env, ec)) return fs::path(env);
        return fail(ErrorCode::not_found,
                    fmt::format("WT_SHADERS_DIR is '{}', which is not a folder; point it at walkthrough's "
                                "shaders/ or unset it",
                                env));
    }
    std::vector<fs::path> tried;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) tried.push_back(exe.parent_path() / ".." / "share" / "walkthrough" / "shaders");
    tried.emplace_back(WT_SOURCE_SHADERS_DIR);
    for (const auto& dir : tried)
        if (fs::is_directory(dir, ec)) return dir.lexically_normal();
    std::string where;
    for (const auto& dir : tried) where += (where.empty() ? "'" : ", '") + dir.lexically_normal().string() + "'";
    return fail(ErrorCode::not_found,
                fmt::format("cannot find walkthrough's shaders (looked in {}); set WT_SHADERS_DIR to the "
                            "shaders/ folder of the source tree",
                            where));
}

void keep_gl_driver_resident() {
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        const auto slash = line.find('/');
        if (slash == std::string::npos || !line.ends_with("_dri.so")) continue;
        (void)::dlopen(line.substr(slash).c_str(), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
    }
}

Result<std::unique_ptr<FrameRenderer>> FrameRenderer::create() {
#if defined(__SANITIZE_ADDRESS__)
    keep_gl_driver_resident();
#endif
    const auto* version = glGetString(GL_VERSION);
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    if (!version)
        return fail(ErrorCode::internal, "the video renderer needs a current OpenGL context, and there is none");
    if (major * 10 + minor < 33)
        return fail(ErrorCode::internal, fmt::format("the video renderer needs OpenGL 3.3, and this context is {}",
                                                     reinterpret_cast<const char*>(version)));
    auto dir = find_shader_dir();
    if (!dir) return std::unexpected(dir.error());

    const StateGuard guard;
    std::unique_ptr<FrameRenderer> r(new FrameRenderer());
    r->gl_ = std::make_unique<Gl>();
    r->conversion_ = std::make_unique<Conversion>();
    Gl& gl = *r->gl_;
    auto vert = compile(GL_VERTEX_SHADER, *dir / "fullscreen.vert");
    if (!vert) return std::unexpected(vert.error());
    auto planar = link(*vert, *dir / "yuv420p.frag", {"u_y", "u_u", "u_v"});
    if (!planar) return std::unexpected(planar.error());
    if (planar->samplers[2] < 0)
        return fail(ErrorCode::internal,
                    fmt::format("the shader '{}' lacks the sampler u_v", (*dir / "yuv420p.frag").string()));
    auto nv12 = link(*vert, *dir / "nv12.frag", {"u_y", "u_uv", nullptr});
    if (!nv12) return std::unexpected(nv12.error());
    gl.planar = std::move(*planar);
    gl.nv12 = std::move(*nv12);

    GLuint id = 0;
    glGenVertexArrays(1, &id);
    gl.vao = VertexArray(id);
    glGenFramebuffers(1, &id);
    gl.fbo = Framebuffer(id);
    for (auto& t : gl.planes) t = make_texture();
    gl.target = make_texture();
    if (const GLenum err = glGetError(); err != GL_NO_ERROR)
        return fail(ErrorCode::internal, fmt::format("setting up the video renderer failed (GL error 0x{:x})", err));
    return r;
}

FrameRenderer::~FrameRenderer() = default;

Result<void> FrameRenderer::upload(const AVFrame& in, av::Orientation turn) {
    if (in.width <= 0 || in.height <= 0 || !in.data[0])
        return fail(ErrorCode::invalid_input, "cannot show an empty video frame");
    const AVFrame* frame = &in;
    Layout layout = Layout::planar;
    if (in.format == AV_PIX_FMT_NV12) {
        layout = Layout::nv12;
    } else if (in.format != AV_PIX_FMT_YUV420P && in.format != AV_PIX_FMT_YUVJ420P) {
        auto converted = conversion_->convert(in);
        if (!converted) return std::unexpected(converted.error());
        frame = *converted;
    }
    const int w = frame->width, h = frame->height;
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;  // AV_CEIL_RSHIFT(w, 1): odd sizes keep their last column
    const auto [shown_w, shown_h] = turn.shown_size(w, h);
    // Rows shorter than the picture, or a missing plane, would make GL read outside the frame.
    const int planes = layout == Layout::nv12 ? 2 : 3;
    for (int i = 0; i < planes; ++i) {
        const int row_bytes = i == 0 ? w : (layout == Layout::nv12 ? 2 * cw : cw);
        if (!frame->data[i] || std::abs(frame->linesize[i]) < row_bytes)
            return fail(
                ErrorCode::invalid_input,
                fmt::format("cannot show a {}x{} video frame whose plane {} is missing or too narrow", w, h, i));
    }
    Gl& gl = *gl_;

    // Someone else's pending errors must not be reported as ours (bounded: GL keeps one per kind).
    for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
    }
    const StateGuard guard;
    StateGuard::neutral();

    if (shown_w != width_ || shown_h != height_) {
        // Same texture name, new storage: an ImTextureID the UI holds stays valid.
        glActiveTexture(GL_TEXTURE0);
        allocate(gl.target.get(), GL_RGBA8, GL_RGBA, shown_w, shown_h);
        glBindFramebuffer(GL_FRAMEBUFFER, gl.fbo.get());
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, gl.target.get(), 0);
        width_ = height_ = 0;  // until a frame of the new size is drawn
        if (const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER); status != GL_FRAMEBUFFER_COMPLETE)
            return fail(
                ErrorCode::internal,
                fmt::format("cannot draw a {}x{} video frame: its framebuffer is incomplete (0x{:x})", w, h, status));
    }
    if (layout != gl.layout || w != gl.plane_w || h != gl.plane_h) {
        for (int i = 0; i < kUnits; ++i) {
            glActiveTexture(GL_TEXTURE0 + i);
            if (i == 0)
                allocate(gl.planes[0].get(), GL_R8, GL_RED, w, h);
            else if (layout == Layout::nv12 && i == 1)
                allocate(gl.planes[1].get(), GL_RG8, GL_RG, cw, ch);
            else if (layout == Layout::planar)
                allocate(gl.planes[i].get(), GL_R8, GL_RED, cw, ch);
        }
        gl.layout = layout;
        gl.plane_w = w;
        gl.plane_h = h;
    }
    // Each plane stays bound on the unit its sampler reads.
    std::array<float, 3> flip{};
    for (int i = 0; i < planes; ++i) {
        glActiveTexture(GL_TEXTURE0 + i);
        const bool rg = layout == Layout::nv12 && i == 1;
        flip[i] = upload_plane(gl.planes[i].get(), rg ? GL_RG : GL_RED, rg ? 2 : 1, frame->data[i], frame->linesize[i],
                               i == 0 ? w : cw, i == 0 ? h : ch, gl.scratch);
    }

    const ColourSpec spec = choose_colour(*frame);
    const ColourTransform t = yuv_to_rgb(spec);
    const auto [xpos, ypos] = chroma_position(*frame);
    const Program& p = layout == Layout::nv12 ? gl.nv12 : gl.planar;
    glBindFramebuffer(GL_FRAMEBUFFER, gl.fbo.get());
    glViewport(0, 0, shown_w, shown_h);
    glUseProgram(p.id.get());
    set_orientation(p, turn);
    glUniformMatrix3fv(p.matrix, 1, GL_TRUE, t.rows[0].data());
    glUniform3fv(p.offset, 1, t.offset.data());
    // Maps picture coordinates onto chroma texels: the chroma plane covers 2*cw luma columns, and
    // its samples sit at the frame's chroma location (see yuv420p.frag).
    glUniform2f(p.chroma_scale, static_cast<float>(w) / (2.0f * cw), static_cast<float>(h) / (2.0f * ch));
    glUniform2f(p.chroma_offset, (0.25f - xpos / 512.0f) / cw, (0.25f - ypos / 512.0f) / ch);
    glUniform3fv(p.flip, 1, flip.data());
    for (int i = 0; i < kUnits; ++i)
        if (p.samplers[i] >= 0) glUniform1i(p.samplers[i], i);
    glBindVertexArray(gl.vao.get());
    glDrawArrays(GL_TRIANGLES, 0, 3);

    if (const GLenum err = glGetError(); err != GL_NO_ERROR)
        return fail(ErrorCode::internal,
                    fmt::format("drawing a {}x{} video frame failed (GL error 0x{:x})", w, h, err));
    target_texture_ = gl.target.get();
    width_ = shown_w;
    height_ = shown_h;
    sample_aspect_ = turn.swaps_axes() ? 1.0 / player::sample_aspect(in) : player::sample_aspect(in);
    colour_ = spec;
    return {};
}

std::vector<std::uint8_t> FrameRenderer::read_rgba() const {
    std::vector<std::uint8_t> pixels;
    if (!target_texture_ || width_ == 0) return pixels;
    const StateGuard guard;
    StateGuard::neutral();
    pixels.resize(static_cast<std::size_t>(width_) * height_ * 4);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, gl_->fbo.get());
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    // Framebuffer row 0 is the picture's top row (see fullscreen.vert), so GL's bottom-up read order
    // is the top-to-bottom order callers want.
    glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    return pixels;
}

}  // namespace wt::player
