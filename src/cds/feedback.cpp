// SPDX-License-Identifier: Apache-2.0
// The feedback reader: `{"feedback": [...]}` of CDS Hooks 2.0, a single feedback object of older
// clients, and the older flat `overrideReason` Coding (docs/cds-hooks.md, "Cards").
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cds/common.hpp"
#include "io/json_common.hpp"
#include "mnscreen/cds_hooks.hpp"

namespace mnscreen::cds {

namespace {

namespace json = boost::json;
using io::jpath;

std::optional<std::string> str(io::object_reader& r, std::string_view key, bool required) {
  const json::value* v = r.find(key);
  if (!v) {
    if (required)
      r.ctx().error("missing_field", r.path_of(key),
                    std::string(key) + " is required; the item was dropped");
    return std::nullopt;
  }
  return io::as_string(r.ctx(), *v, r.path_of(key), required ? "the item was dropped" : "ignored");
}

std::optional<coding> read_coding(io::context& ctx, const json::value& v, const jpath& path) {
  if (!v.is_object()) {
    io::wrong_type(ctx, path, v, "a Coding object", "no override reason was kept");
    return std::nullopt;
  }
  io::object_reader r(ctx, v.get_object(), path);
  coding c;
  c.system = str(r, "system", false).value_or("");
  c.code = str(r, "code", false).value_or("");
  c.display = str(r, "display", false).value_or("");
  r.finish();
  if (c.code.empty()) {
    ctx.error("missing_field", jpath::member(path, "code"),
              "the override reason has no code; it was not kept");
    return std::nullopt;
  }
  return c;
}

std::optional<feedback_item> read_item(io::context& ctx, const json::value& v, const jpath& path) {
  if (!v.is_object()) {
    io::wrong_type(ctx, path, v, "a feedback object", "the item was dropped");
    return std::nullopt;
  }
  io::object_reader r(ctx, v.get_object(), path);
  feedback_item item;
  bool ok = true;
  if (auto card = str(r, "card", true))
    item.card_uuid = std::move(*card);
  else
    ok = false;
  if (const json::value* o = r.find("outcome")) {
    const auto text = io::as_string_view(ctx, *o, r.path_of("outcome"), "the item was dropped");
    if (text && *text == "accepted")
      item.outcome = feedback_outcome::accepted;
    else if (text && *text == "overridden")
      item.outcome = feedback_outcome::overridden;
    else {
      if (text)
        ctx.error("unknown_code", r.path_of("outcome"),
                  io::quoted(*text) + " is not accepted or overridden; the item was dropped");
      ok = false;
    }
  } else {
    ctx.error("missing_field", r.path_of("outcome"), "outcome is required; the item was dropped");
    ok = false;
  }
  if (const json::value* a = r.find("acceptedSuggestions")) {
    if (const auto items = io::as_array(ctx, *a, r.path_of("acceptedSuggestions"), "ignored"))
      for (const auto& e : *items) {
        if (e.value->is_object()) {
          io::object_reader s(ctx, e.value->get_object(), e.path);
          if (auto id = str(s, "id", false)) item.accepted_suggestions.push_back(std::move(*id));
          s.finish();
        } else if (e.value->is_string()) {
          item.accepted_suggestions.emplace_back(e.value->get_string());
        } else {
          io::wrong_type(ctx, e.path, *e.value, "an object with an id", "ignored");
        }
      }
  }
  if (const json::value* o = r.find("overrideReason")) {
    const jpath op = r.path_of("overrideReason");
    if (o->is_object() &&
        (o->get_object().contains("reason") || o->get_object().contains("userComment"))) {
      io::object_reader orr(ctx, o->get_object(), op);
      if (const json::value* reason = orr.find("reason"))
        item.override_reason = read_coding(ctx, *reason, orr.path_of("reason"));
      item.comment = str(orr, "userComment", false).value_or("");
      orr.finish();
    } else if (o->is_object()) {
      ctx.warning("legacy_field", op,
                  "overrideReason is a bare Coding (older clients); read as overrideReason.reason");
      item.override_reason = read_coding(ctx, *o, op);
    } else {
      io::wrong_type(ctx, op, *o, "an object", "no override reason was kept");
    }
  }
  if (const json::value* c = r.find("userComment")) {  // older clients: next to the reason
    if (auto t = io::as_string(ctx, *c, r.path_of("userComment"), "ignored"))
      if (item.comment.empty()) item.comment = std::move(*t);
  }
  if (auto ts = str(r, "outcomeTimestamp", false))
    item.outcome_timestamp = std::move(*ts);
  else if (!r.find("outcomeTimestamp"))
    ctx.warning("missing_field", r.path_of("outcomeTimestamp"),
                "outcomeTimestamp is required by CDS Hooks 2.0; the time of receipt stands for it");
  r.accept("extension");
  r.finish();
  if (!ok) return std::nullopt;
  return item;
}

}  // namespace

parse_result<std::vector<feedback_item>> parse_feedback(std::string_view text,
                                                        const request_limits& limits) {
  parse_result<std::vector<feedback_item>> result;
  read_limits rl;
  rl.max_bytes = limits.max_bytes;
  rl.max_depth = limits.max_depth;
  io::context ctx(rl);
  json::monotonic_resource mr;
  if (const auto doc = io::parse_document(text, ctx, &mr)) {
    if (const json::object* root = io::root_object(*doc, ctx)) {
      if (root->contains("feedback")) {
        io::object_reader r(ctx, *root, "$");
        if (const json::value* list = r.find("feedback")) {
          if (const auto items =
                  io::as_array(ctx, *list, r.path_of("feedback"), "no feedback was read"))
            for (const auto& e : *items)
              if (auto item = read_item(ctx, *e.value, e.path))
                result.value.push_back(std::move(*item));
        } else {
          ctx.error("missing_field", "$.feedback", "feedback is null");
        }
        r.finish();
      } else {
        if (auto item = read_item(ctx, *doc, "$")) result.value.push_back(std::move(*item));
      }
      if (result.value.empty() && !has_errors(ctx.diagnostics()))
        ctx.error("missing_field", "$.feedback", "the feedback list is empty");
    }
  }
  result.diagnostics = std::move(ctx.diagnostics());
  detail::prefix_codes(result.diagnostics);
  return result;
}

}  // namespace mnscreen::cds
