// Team-library access in the catalog: the first person is admin, invites are one-time and expire,
// tokens and sessions are kept only as hashes and end on revoke, last seen is noted; share links
// give guests of one recording sessions that end with the link.
#include <doctest/doctest.h>

#include "catalog/access.hpp"
#include "catalog/secrets.hpp"
#include "tests/fixture.hpp"

using namespace wt;
using namespace wt::test;

namespace {

struct AccessFixture : LibraryFixture {
    std::unique_ptr<catalog::Access> access() {
        catalog::OpenOptions o;
        o.clock = [this] { return now; };
        auto a = catalog::open_access(dir.path, o);
        REQUIRE_MESSAGE(a.has_value(), (a ? "" : a.error().message));
        return std::move(*a);
    }
    // The error's code, or nullopt when it succeeded.
    template <class T>
    static std::optional<ErrorCode> failure(const Result<T>& r) {
        return r ? std::nullopt : std::optional(r.error().code);
    }
    std::int64_t count(const std::string& sql) {
        auto db = sql::Database::open(dir.path / "catalog.db", 1000);
        REQUIRE(db.has_value());
        auto st = db->prepare(sql);
        REQUIRE(st.has_value());
        REQUIRE(st->step().value());
        return st->int64(0);
    }
};

}  // namespace

TEST_CASE("secrets: 256 random bits as base64url, stored as SHA-256 hex, compared whole") {
    auto a = catalog::random_secret(32), b = catalog::random_secret(32);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(a->size() == 43);
    CHECK(*a != *b);
    CHECK(a->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(catalog::secret_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(catalog::same_hash(catalog::secret_hash(*a), catalog::secret_hash(*a)));
    CHECK_FALSE(catalog::same_hash(catalog::secret_hash(*a), catalog::secret_hash(*b)));
    CHECK_FALSE(catalog::same_hash("", ""));
    // None starts with '-', which a command line would take for an option (1 in 64 would).
    for (int i = 0; i < 2000; ++i) {
        auto s = catalog::random_secret(32);
        REQUIRE(s.has_value());
        REQUIRE(s->front() != '-');
    }
}

TEST_CASE("the first person is the admin; invites add members; the last admin stays one") {
    AccessFixture f;
    auto ann = f.open_as("ann");
    CHECK(ann->me().access == "admin");
    auto inv = ann->invite("bob", std::nullopt, 7);
    REQUIRE(inv.has_value());
    CHECK(inv->person.name == "bob");
    CHECK(inv->person.access == "member");
    CHECK(inv->expires_at == f.now + 7 * k_day);
    CHECK(inv->code.size() >= 22);  // >= 128 bits
    auto carl = ann->invite("carl", std::string("admin"), 1);
    REQUIRE(carl.has_value());
    CHECK(carl->person.access == "admin");
    CHECK_FALSE(ann->invite("dora", std::string("owner"), 7).has_value());
    CHECK_FALSE(ann->invite("dora", std::nullopt, 0).has_value());
    // Two admins: one may become a member; then the other is the last and stays.
    REQUIRE(ann->invite("carl", std::string("member"), 7).has_value());
    auto last = ann->invite("ann", std::string("member"), 7);
    REQUIRE_FALSE(last.has_value());
    CHECK(last.error().code == ErrorCode::conflict);
    CHECK(ann->person("ann")->access == "admin");
    // Only the hash of a code is stored.
    CHECK(f.count("SELECT count(*) FROM invites WHERE code_hash = '" + catalog::secret_hash(inv->code) + "'") == 1);
    CHECK(f.count("SELECT count(*) FROM invites WHERE code_hash = '" + inv->code + "'") == 0);
}

TEST_CASE("an invite works once, then its token and session sign in until revoked") {
    AccessFixture f;
    auto ann = f.open_as("ann");
    auto inv = ann->invite("bob", std::nullopt, 7);
    REQUIRE(inv.has_value());
    auto access = f.access();
    auto signed_in = access->redeem_invite(inv->code);
    REQUIRE_MESSAGE(signed_in.has_value(), (signed_in ? "" : signed_in.error().message));
    CHECK(signed_in->person.name == "bob");
    CHECK(signed_in->token != signed_in->session);
    CHECK(signed_in->token_expires_at == f.now + catalog::k_token_lifetime_ms);
    auto again = access->redeem_invite(inv->code);
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().code == ErrorCode::not_found);
    CHECK(f.count("SELECT count(*) FROM credentials") == 2);

    auto who = access->authenticate(signed_in->token);
    REQUIRE(who.has_value());
    CHECK(who->name == "bob");
    CHECK(who->last_seen_at == f.now);
    CHECK(access->authenticate(signed_in->session)->name == "bob");
    CHECK_FALSE(access->authenticate("wrong").has_value());
    CHECK_FALSE(access->authenticate("").has_value());
    CHECK(f.count("SELECT count(*) FROM credentials WHERE secret_hash = '" + signed_in->token + "'") == 0);

    // Signing out ends that one credential only.
    REQUIRE(access->sign_out(signed_in->session).has_value());
    CHECK_FALSE(access->authenticate(signed_in->session).has_value());
    CHECK(access->authenticate(signed_in->token).has_value());
    CHECK_FALSE(access->sign_out(signed_in->session).has_value());

    // A second invite, unused, and the token: revoke ends both.
    auto inv2 = ann->invite("bob", std::nullopt, 7);
    REQUIRE(inv2.has_value());
    auto ended = ann->revoke("bob");
    REQUIRE(ended.has_value());
    CHECK(*ended == 2);
    CHECK_FALSE(access->authenticate(signed_in->token).has_value());
    CHECK_FALSE(access->redeem_invite(inv2->code).has_value());
}

TEST_CASE("expired invites and tokens do not sign in; a new invite replaces an unused one") {
    AccessFixture f;
    auto ann = f.open_as("ann");
    auto old_invite = ann->invite("bob", std::nullopt, 1);
    REQUIRE(old_invite.has_value());
    auto newer = ann->invite("bob", std::nullopt, 2);
    REQUIRE(newer.has_value());
    auto access = f.access();
    CHECK_FALSE(access->redeem_invite(old_invite->code).has_value());
    f.now += 3 * k_day;
    CHECK_FALSE(access->redeem_invite(newer->code).has_value());
    f.now -= 3 * k_day;
    auto signed_in = access->redeem_invite(newer->code);
    REQUIRE(signed_in.has_value());
    f.now += catalog::k_session_lifetime_ms;
    CHECK_FALSE(access->authenticate(signed_in->session).has_value());
    CHECK(access->authenticate(signed_in->token).has_value());
    f.now += catalog::k_token_lifetime_ms;
    CHECK_FALSE(access->authenticate(signed_in->token).has_value());
}

TEST_CASE("act_as switches the acting person; progress in batches is clamped and merged") {
    AccessFixture f;
    auto ann = f.open_as("ann");
    REQUIRE(ann->add_person("bob", "", "").has_value());
    f.add_recording("r1", "Payroll", "ann", 100'000);
    REQUIRE(ann->act_as("bob").has_value());
    CHECK(ann->me().name == "bob");
    CHECK_FALSE(ann->act_as("nobody").has_value());
    CHECK(ann->me().name == "bob");
    auto v = ann->record_progress(
        "r1", std::vector<catalog::Interval>{
                  {0, 30'000}, {20'000, 50'000}, {0, 30'000}, {90'000, 150'000}, {200'000, 300'000}});
    REQUIRE_MESSAGE(v.has_value(), (v ? "" : v.error().message));
    CHECK(v->person == "bob");
    CHECK(v->intervals == std::vector<catalog::Interval>{{0, 50'000}, {90'000, 100'000}});
    CHECK(v->covered_ms == 60'000);
    CHECK(v->last_position_ms == 100'000);
    CHECK_FALSE(ann->record_progress("r1", std::vector<catalog::Interval>{{10, 5}}).has_value());
    CHECK_FALSE(ann->record_progress("r1", std::vector<catalog::Interval>{}).has_value());
    CHECK_FALSE(ann->record_progress("r1", std::vector<catalog::Interval>{{200'000, 300'000}}).has_value());
    auto again = ann->views("r1");
    REQUIRE(again.has_value());
    CHECK(again->at(0).covered_ms == 60'000);  // refusals changed nothing
}

TEST_CASE("share links: hashed, one guest per opening, ended by expiry, revocation or the recording's delete") {
    AccessFixture f;
    auto ann = f.open_as("ann");
    REQUIRE(ann->add_person("bob", "", "").has_value());
    f.add_recording("r1", "Payroll", "ann", 100'000);
    auto access = f.access();
    CHECK_FALSE(access->create_share("r1", "edit", 7, ann->me().id).has_value());
    CHECK_FALSE(access->create_share("r1", "watch", 91, ann->me().id).has_value());
    CHECK_FALSE(access->create_share("nope", "watch", 7, ann->me().id).has_value());
    auto link = access->create_share("r1", "comment", 2, ann->me().id);
    REQUIRE_MESSAGE(link.has_value(), (link ? "" : link.error().message));
    CHECK(link->code.size() == 43);
    CHECK(link->expires_at == f.now + 2 * k_day);
    CHECK(link->created_by == "ann");
    CHECK(f.count("SELECT count(*) FROM shares WHERE code_hash = '" + catalog::secret_hash(link->code) + "'") == 1);

    // Comment mode needs a name; what was typed is kept as typed, apart from people's names.
    CHECK(f.failure(access->redeem_share(link->code, "")) == ErrorCode::invalid_input);
    CHECK(f.failure(access->redeem_share(link->code, "tab\there")) == ErrorCode::invalid_input);
    CHECK(f.failure(access->redeem_share("wrong", "bob")) == ErrorCode::not_found);
    auto guest = access->redeem_share(link->code, "  bob  ");
    REQUIRE_MESSAGE(guest.has_value(), (guest ? "" : guest.error().message));
    CHECK(guest->token.empty());
    CHECK(guest->session_expires_at == link->expires_at);  // no longer than the link
    REQUIRE(guest->person.guest.has_value());
    CHECK(guest->person.guest->name == "bob");
    CHECK(guest->person.guest->recording_id == "r1");
    CHECK(guest->person.name != "bob");
    auto who = access->authenticate(guest->session);
    REQUIRE(who.has_value());
    CHECK(who->guest->mode == "comment");

    // Not one of the team: not listed, not found by name or id for assigning, inviting or revoking.
    auto people = ann->people();
    REQUIRE(people.has_value());
    CHECK(people->size() == 2);
    CHECK(ann->person("bob")->guest == std::nullopt);
    CHECK_FALSE(ann->person(guest->person.id).has_value());
    CHECK_FALSE(ann->assign("r1", guest->person.id, std::nullopt).has_value());
    CHECK(ann->stats()->people == 2);

    // Acting as the guest: a comment and a view marked as a guest's under the typed name.
    REQUIRE(ann->act_as(guest->person.id).has_value());
    auto c = ann->comment({"r1", "Looks right", 1000, std::nullopt});
    REQUIRE(c.has_value());
    CHECK(c->author == "bob");
    CHECK(c->author_guest);
    auto v = ann->record_progress("r1", 0, 10'000);
    REQUIRE(v.has_value());
    CHECK(v->person == "bob");
    CHECK(v->guest);
    REQUIRE(ann->act_as("bob").has_value());
    auto mine = ann->comment({"r1", "Mine", std::nullopt, std::nullopt});
    REQUIRE(mine.has_value());
    CHECK_FALSE(mine->author_guest);

    // Each opening is a guest of its own; revoking ends the link and every session it gave.
    auto second = access->redeem_share(link->code, "Client");
    REQUIRE(second.has_value());
    auto listed = access->shares("r1");
    REQUIRE(listed.has_value());
    REQUIRE(listed->size() == 1);
    CHECK(listed->at(0).guests == 2);
    CHECK(listed->at(0).code.empty());
    CHECK_FALSE(access->revoke_share("r1", "zzzz").has_value());
    auto revoked = access->revoke_share("r1", link->id);
    REQUIRE(revoked.has_value());
    CHECK(revoked->revoked_at == f.now);
    CHECK_FALSE(access->authenticate(guest->session).has_value());
    CHECK_FALSE(access->authenticate(second->session).has_value());
    CHECK(f.failure(access->redeem_share(link->code, "Again")) == ErrorCode::unauthorized);

    // Expired: nobody new, and sessions end with the link.
    auto watch = access->create_share("r1", "watch", 1, ann->me().id);
    REQUIRE(watch.has_value());
    auto viewer = access->redeem_share(watch->code, "");
    REQUIRE(viewer.has_value());
    CHECK(viewer->person.guest->name == "Guest");
    f.now += k_day;
    CHECK(f.failure(access->redeem_share(watch->code, "")) == ErrorCode::unauthorized);
    CHECK_FALSE(access->authenticate(viewer->session).has_value());

    // Deleting the recording removes its links; its guests' rows do not stand in the way.
    f.now -= k_day;
    CHECK(access->authenticate(viewer->session).has_value());
    REQUIRE(ann->remove("r1").has_value());
    CHECK(f.count("SELECT count(*) FROM shares") == 0);
    CHECK_FALSE(access->authenticate(viewer->session).has_value());
}
