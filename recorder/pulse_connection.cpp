#include "recorder/pulse_connection.hpp"

#include "common/clock.hpp"

namespace wt::recorder {

PulseConnection::~PulseConnection() {
    if (stream) {
        pa_stream_disconnect(stream);
        pa_stream_unref(stream);
    }
    if (context) {
        pa_context_disconnect(context);
        pa_context_unref(context);
    }
    if (loop) pa_mainloop_free(loop);
}

Result<void> PulseConnection::connect(std::int64_t timeout_us, const std::atomic<bool>* cancel) {
    loop = pa_mainloop_new();
    if (!loop) return fail(ErrorCode::internal, "out of memory");
    context = pa_context_new(pa_mainloop_get_api(loop), "walkthrough");
    if (!context) return fail(ErrorCode::internal, "out of memory");
    const std::int64_t deadline = monotonic_us() + timeout_us;
    if (pa_context_connect(context, nullptr, PA_CONTEXT_NOFLAGS, nullptr) < 0)
        return fail(ErrorCode::not_found, error());
    for (;;) {
        const pa_context_state_t state = pa_context_get_state(context);
        if (state == PA_CONTEXT_READY) return {};
        if (!PA_CONTEXT_IS_GOOD(state)) return fail(ErrorCode::not_found, error());
        if (cancel && cancel->load()) return fail(ErrorCode::conflict, "stopped");
        if (monotonic_us() > deadline) return fail(ErrorCode::not_found, "the sound server does not answer");
        if (!iterate(100'000)) return fail(ErrorCode::not_found, error());
    }
}

}  // namespace wt::recorder
