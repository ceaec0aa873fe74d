#include "modules/ai/assistant.h"

#include "core/errors.h"
#include "core/log.h"
#include "modules/ai/numbers.h"
#include "modules/ai/offline_engine.h"
#include "modules/ai/tools/untrusted.h"

#include <fmt/format.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tc::ai {

namespace json = boost::json;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// Tool results go to subscribers summarised past this size (the stored message and
// the model get the whole result).
constexpr std::size_t kMaxStreamedResult = std::size_t{8} * 1024;

json::value summarised(const json::value& result) {
  auto text = data_text(result);
  if (text.size() <= kMaxStreamedResult) return result;
  return json::object{{"summary", text.substr(0, kMaxStreamedResult)}, {"truncated", true}};
}

json::object problem_json(const Error& e) {
  return json::object{{"type", "https://tradechat.dev/problems/" + e.type()},
                      {"title", e.title()},
                      {"status", e.status()},
                      {"detail", e.detail()}};
}

}  // namespace

Assistant::Assistant(std::shared_ptr<ConversationStore> store, std::shared_ptr<llm::Router> router,
                     ToolContext services, AssistantLimits limits)
    : store_(std::move(store)), router_(std::move(router)), services_(std::move(services)), limits_(limits) {
  services_.store = store_.get();
}

std::shared_ptr<Running> Assistant::reserve(const std::string& user_id, const std::string& key,
                                            const boost::asio::any_io_executor& executor) {
  std::lock_guard lock(mutex_);
  std::size_t mine = 0;
  for (const auto& [k, r] : running_) mine += r->user_id == user_id ? 1 : 0;
  if (mine >= limits_.max_concurrent_per_user) {
    throw Error(429, "ai-busy", "Too many answers at once",
                fmt::format("you have {} answers being written; wait for one to finish", mine))
        .with("retry_after", 1);
  }
  if (running_.contains(key)) throw errors::conflict("an answer is already being written here");
  auto run = std::make_shared<Running>(boost::asio::make_strand(executor));
  run->user_id = user_id;
  run->conversation_id = key;
  running_[key] = run;
  return run;
}

void Assistant::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  running_.erase(key);
}

bool Assistant::cancel(const std::string& user_id, const std::string& conversation_id) {
  std::shared_ptr<Running> run;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(conversation_id);
    if (it == running_.end() || it->second->user_id != user_id) return false;
    run = it->second;
  }
  run->cancelled = true;
  boost::asio::post(run->strand, [run] { run->signal.emit(boost::asio::cancellation_type::terminal); });
  return true;
}

void Assistant::cancel_if_unwatched(const std::string& user_id, const std::string& conversation_id,
                                    std::function<boost::asio::awaitable<bool>()> watched,
                                    std::chrono::milliseconds grace) {
  std::shared_ptr<Running> run;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(conversation_id);
    if (it == running_.end() || it->second->user_id != user_id) return;
    run = it->second;
  }
  std::weak_ptr<Running> weak = run;
  auto check = [](std::weak_ptr<Running> weak, std::function<boost::asio::awaitable<bool>()> watched,
                  std::chrono::milliseconds grace) -> boost::asio::awaitable<void> {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, grace);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (auto r = weak.lock(); !r || r->cancelled) co_return;
    const bool followed = co_await watched();
    auto r = weak.lock();
    if (followed || !r || r->cancelled) co_return;
    r->cancelled = true;
    r->signal.emit(boost::asio::cancellation_type::terminal);  // on the strand already
  };
  boost::asio::co_spawn(run->strand, check(weak, std::move(watched), grace), [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::warn("ai: the follow check failed; the answer goes on", {{"error", ex.what()}});
    }
  });
}

void Assistant::cancel_all() {
  std::vector<std::shared_ptr<Running>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [k, r] : running_) all.push_back(r);
  }
  for (auto& run : all) {
    run->cancelled = true;
    boost::asio::post(run->strand, [run] { run->signal.emit(boost::asio::cancellation_type::terminal); });
  }
}

boost::asio::awaitable<json::object> Assistant::ask(auth::Principal who, std::string conversation_id,
                                                    std::string content, std::vector<std::string> file_ids,
                                                    boost::asio::any_io_executor executor) {
  // The slot first (cheap, in memory), then the rows; a failure to store gives it back.
  co_await store_->get(who.user_id, conversation_id);  // 404 before anything is reserved
  auto run = reserve(who.user_id, conversation_id, executor);
  StartedAnswer started;
  try {
    started = co_await store_->start_answer(who.user_id, conversation_id, content, file_ids, limits_.max_messages);
  } catch (...) {
    release(conversation_id);
    throw;
  }
  Job job;
  job.who = who;
  job.mode = find_mode(started.conversation.mode);
  if (!job.mode) job.mode = &modes().front();
  job.question = content;
  job.file_ids = std::move(file_ids);
  job.conversation_id = conversation_id;
  auto answer_id = started.answer_id;
  auto self = shared_from_this();
  boost::asio::co_spawn(
      run->strand, run_answer(self, run, std::move(job), answer_id), [conversation_id](const std::exception_ptr& e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("ai answer failed", {{"conversation_id", conversation_id}, {"error", ex.what()}});
        }
      });
  co_return json::object{{"message", started.user_message}, {"answer_id", answer_id}};
}

boost::asio::awaitable<void> Assistant::run_answer(std::shared_ptr<Assistant> self, std::shared_ptr<Running> run,
                                                   Job job, std::string answer_id) {
  auto store = self->store_;
  const std::string conversation_id = job.conversation_id;
  AnswerStream stream(
      run->strand, answer_id,
      [store, conversation_id](std::vector<json::object> events) {
        return store->append_stream(conversation_id, std::move(events));
      },
      [store, conversation_id](const json::object& token) { store->publish_live(conversation_id, token); });
  stream.event(json::object{{"type", "start"}, {"mode", job.mode->id}});
  Produced produced;
  std::optional<Error> failure;
  auto work = [&]() -> boost::asio::awaitable<void> {
    try {
      auto turns = co_await store->recent_turns(conversation_id, job.mode->history_turns + 1);
      // The last complete turn is the question itself.
      if (!turns.empty() && turns.back().role == "user") turns.pop_back();
      job.history = std::move(turns);
      produced = co_await self->produce(job, run, &stream);
    } catch (const Error& e) {
      if (e.status() == 499)
        produced.cancelled = true;
      else
        failure = e;
    } catch (const std::exception& e) {
      log::error("ai answer failed", {{"conversation_id", conversation_id}, {"error", e.what()}});
      failure = errors::internal("the answer could not be written");
    }
    stream.close();
  };
  co_await (work() && stream.flusher());

  FinishedAnswer fin;
  fin.content = produced.text;
  fin.status = failure ? "failed" : (produced.cancelled || run->cancelled) ? "cancelled" : "complete";
  fin.tool_calls = produced.tool_calls;
  fin.citations = produced.citations;
  fin.annotations = produced.annotations;
  fin.proposals = produced.proposals;
  fin.provider = produced.provider;
  fin.model = produced.model;
  fin.usage = json::object{{"input_tokens", produced.usage.input_tokens},
                           {"output_tokens", produced.usage.output_tokens},
                           {"cost_usd", produced.usage.cost_usd}};
  fin.marks = marks_for(produced.text, produced.sources);
  std::vector<json::object> last;
  try {
    auto message = co_await store->finish_answer(conversation_id, answer_id, job.who.user_id, std::move(fin));
    if (failure) {
      last.push_back(json::object{{"type", "error"}, {"message_id", answer_id}, {"problem", problem_json(*failure)}});
    }
    last.push_back(json::object{{"type", "done"}, {"message_id", answer_id}, {"message", std::move(message)}});
    co_await store->append_stream(conversation_id, std::move(last));
  } catch (const std::exception& e) {
    log::error("ai answer could not be stored", {{"conversation_id", conversation_id}, {"error", e.what()}});
  }
  self->release(conversation_id);
}

boost::asio::awaitable<Produced> Assistant::produce(Job job, std::shared_ptr<Running> run, AnswerStream* out) {
  Produced p;
  p.sources.push_back(job.question);
  for (const auto& t : job.history) p.sources.push_back(t.content);
  for (const auto& c : job.context) p.sources.push_back(c);
  if (router_ && router_->configured()) {
    co_await produce_with_model(&job, run.get(), out, &p);
  } else {
    co_await produce_offline(&job, run.get(), out, &p);
  }
  if (run->cancelled) p.cancelled = true;
  co_return p;
}

boost::asio::awaitable<json::value> Assistant::run_tool(Job* job, AnswerStream* out, Produced* p, std::string call_id,
                                                        std::string name, json::object args) {
  out->event(json::object{{"type", "tool_call"}, {"call_id", call_id}, {"name", name}, {"arguments", args}});
  json::value result;
  if (p->tool_calls.size() >= limits_.max_tool_calls) {
    result = json::object{{"error",
                           {{"status", 429},
                            {"title", "Tool call limit"},
                            {"detail", fmt::format("at most {} tool calls per answer", limits_.max_tool_calls)}}}};
  } else if (std::find(job->mode->tools.begin(), job->mode->tools.end(), name) == job->mode->tools.end() ||
             (job->in_room && name == "propose_alert")) {
    result = json::object{{"error", {{"status", 403}, {"title", "Tool not in this mode"}, {"detail", name}}}};
  } else {
    ToolContext ctx = services_;
    ctx.who = job->who;
    ctx.conversation_id = job->conversation_id;
    ctx.in_room = job->in_room;
    result = co_await registry_.call(name, args, ctx);
  }
  out->event(
      json::object{{"type", "tool_result"}, {"call_id", call_id}, {"name", name}, {"result", summarised(result)}});
  p->sources.push_back(data_text(result));
  p->tool_calls.push_back(json::object{{"id", call_id}, {"name", name}, {"arguments", args}, {"result", result}});
  co_return result;
}

boost::asio::awaitable<void> Assistant::produce_offline(Job* job, Running* run, AnswerStream* out, Produced* p) {
  OfflineRequest req;
  req.mode = job->mode;
  req.question = job->question;
  req.history = job->history;
  req.file_ids = job->file_ids;
  req.market = services_.market;
  req.in_room = job->in_room;
  req.call_tool = [this, job, out, p, run](std::string name, json::object args) -> boost::asio::awaitable<json::value> {
    if (run->cancelled) throw Error(499, "cancelled", "Cancelled", "the answer was cancelled");
    auto id = fmt::format("call_{}", p->tool_calls.size() + 1);
    co_return co_await run_tool(job, out, p, id, std::move(name), std::move(args));
  };
  req.on_plan = [out](const std::vector<std::string>& steps) {
    json::array a;
    for (auto& s : steps) a.push_back(json::value(s));
    out->event(json::object{{"type", "plan"}, {"steps", std::move(a)}});
  };
  OfflineAnswer answer;
  try {
    answer = co_await answer_offline(std::move(req));
  } catch (const Error& e) {
    if (e.status() != 499) throw;
    p->cancelled = true;
    co_return;
  }
  // Streamed a few words at a time, as a model would.
  std::size_t pos = 0;
  int words = 0;
  for (std::size_t i = 0; i < answer.text.size(); ++i) {
    if (answer.text[i] == ' ' || answer.text[i] == '\n') ++words;
    if (words == 4 || i + 1 == answer.text.size()) {
      if (run->cancelled) {
        p->cancelled = true;
        break;
      }
      out->token(answer.text.substr(pos, i + 1 - pos));
      p->text += answer.text.substr(pos, i + 1 - pos);
      pos = i + 1;
      words = 0;
    }
  }
  if (!p->cancelled) {
    p->citations = std::move(answer.citations);
    p->annotations = std::move(answer.annotations);
    p->proposals = std::move(answer.proposals);
  }
}

boost::asio::awaitable<void> Assistant::produce_with_model(Job* job, Running* run, AnswerStream* out, Produced* p) {
  std::vector<llm::Message> messages;
  std::string system = base_instructions() + "\n\n" + ::tc::ai::tools::untrusted_data_rules() +
                       "\n\nMode: " + job->mode->name + ". " + job->mode->instructions;
  messages.push_back({llm::Role::system, system, {}, {}});
  for (const auto& t : job->history) {
    messages.push_back({t.role == "assistant" ? llm::Role::assistant : llm::Role::user, t.content, {}, {}});
  }
  std::string question = job->question;
  for (const auto& c : job->context) question += "\n\n" + ::tc::ai::tools::frame_untrusted("room messages", c);
  if (!job->file_ids.empty()) {
    question += "\n\n(Attached files, analyse them with the file_analysis tool: ";
    for (const auto& f : job->file_ids) question += f + " ";
    question += ")";
  }
  messages.push_back({llm::Role::user, question, {}, {}});
  auto specs = registry_.specs(job->mode->tools);
  if (job->in_room) {
    std::erase_if(specs, [](const llm::ToolSpec& s) { return s.name == "propose_alert"; });
  }
  const auto max_tokens = std::min(job->mode->max_output_tokens, limits_.max_output_tokens);
  for (int round = 0;; ++round) {
    if (run->cancelled) {
      p->cancelled = true;
      co_return;
    }
    const bool last_round = round >= job->mode->max_tool_rounds;
    llm::Request req{.mode = job->mode->id,
                     .user_id = job->who.user_id,
                     .messages = messages,
                     .tools = last_round ? std::vector<llm::ToolSpec>{} : specs,
                     .max_output_tokens = max_tokens};
    AnswerStream* sink_target = out;
    llm::EventSink sink = [sink_target](const llm::StreamEvent& e) {
      if (e.kind == llm::StreamEvent::Kind::text) sink_target->token(e.text);
    };
    llm::Completion c;
    try {
      auto call = router_->complete(std::move(req), sink);
      c = co_await boost::asio::co_spawn(
          run->strand, std::move(call),
          boost::asio::bind_cancellation_slot(run->signal.slot(), boost::asio::use_awaitable));
    } catch (const Error& e) {
      if (e.status() == 499) {
        p->cancelled = true;
        co_return;
      }
      throw;
    } catch (const boost::system::system_error&) {
      if (run->cancelled) {
        p->cancelled = true;
        co_return;
      }
      throw;
    }
    p->text += c.text;
    p->provider = c.provider;
    p->model = c.model;
    p->usage.input_tokens += c.usage.input_tokens;
    p->usage.output_tokens += c.usage.output_tokens;
    p->usage.cost_usd += c.usage.cost_usd;
    if (c.tool_calls.empty() || last_round) break;
    messages.push_back({llm::Role::assistant, c.text, c.tool_calls, {}});
    for (const auto& call : c.tool_calls) {
      if (run->cancelled) break;
      boost::system::error_code ec;
      auto parsed = call.arguments.empty() ? json::value(json::object{}) : json::parse(call.arguments, ec);
      json::value result;
      if (ec || !parsed.is_object()) {
        out->event(json::object{{"type", "tool_call"},
                                {"call_id", call.id},
                                {"name", call.name},
                                {"arguments", call.arguments.substr(0, 1024)}});
        result =
            json::object{{"error", {{"status", 400}, {"title", "Bad arguments"}, {"detail", "not a JSON object"}}}};
        out->event(
            json::object{{"type", "tool_result"}, {"call_id", call.id}, {"name", call.name}, {"result", result}});
      } else {
        result = co_await run_tool(job, out, p, call.id, call.name, std::move(parsed.as_object()));
        // A proposal is collected for the user to confirm; the model only learns it is pending.
        if (call.name == "propose_alert" && result.is_object() && result.as_object().contains("proposal")) {
          p->proposals.push_back(result.at("proposal").as_object());
        }
      }
      messages.push_back(
          {llm::Role::tool, ::tc::ai::tools::frame_untrusted("tool " + call.name, data_text(result)), {}, call.id});
    }
  }
}

}  // namespace tc::ai
