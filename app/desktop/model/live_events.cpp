#include "app/desktop/model/live_events.hpp"

#include "app/core/library_location.hpp"
#include "app/desktop/model/worker.hpp"
#include "remote/events.hpp"

namespace wt::ui {

void LiveOutlet::tell(JobResult result) {
    std::lock_guard g(lock_);
    if (to_) to_->tell(std::move(result));
}

void LiveOutlet::close() {
    std::lock_guard g(lock_);
    to_ = nullptr;
}

LiveEvents::LiveEvents(std::string connection, std::shared_ptr<LiveOutlet> outlet)
    : connection_(std::move(connection)), outlet_(std::move(outlet)), thread_([this] { run(); }) {}

LiveEvents::~LiveEvents() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void LiveEvents::run() {
    auto saved = app::find_connection(connection_);
    if (!saved) return outlet_->tell(results::ServerReachable{connection_, false, false, saved.error()});
    remote::FollowHooks hooks;
    hooks.stop = [this] { return stop_.load(); };
    hooks.connection = [this](bool live, const std::optional<Error>& why) {
        outlet_->tell(results::ServerReachable{connection_, live, live, why.value_or(Error{})});
    };
    hooks.event = [this](const remote::ServerEvent& e) {
        if (e.kind == "ready") return;  // the stream is open: told by `connection`
        outlet_->tell(results::ServerChanged{connection_, e.kind, e.recording_id, e.comment_id, e.person});
    };
    remote::ServerOptions o = remote::server_options(*saved);
    o.connect_timeout = std::chrono::seconds(3);
    remote::follow_events(o, hooks);
}

}  // namespace wt::ui
