-- wrk script: POST /invocations with a unique job_id per request, counting non-202 answers.
-- Used by scripts/bench; see docs/performance.md.
-- WRK_DELAY_MS (optional): think time per connection between requests, to measure latency at a
-- fixed offered load instead of at saturation (64 connections / delay = requests per second).
local threads = {}
local run = os.time()
local think = tonumber(os.getenv("WRK_DELAY_MS") or "0")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  rejected = 0
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"job_id":"bench-%d-%d-%d","title":"Build a RAG chatbot over our help center",' ..
    '"description":"We need a chatbot that answers from 3,000 articles, cites sources and hands over to a human.",' ..
    '"skills":["LLM","RAG","OpenAI API","PostgreSQL"],"budget":{"type":"hourly","min":60,"max":110,"currency":"USD"},' ..
    '"questions":["Describe a RAG system you built."],"metadata":{"source":"bench"}}',
    run, id, counter)
  return wrk.format("POST", "/invocations", {["Content-Type"] = "application/json"}, body)
end

function delay()
  return think
end

function response(status, headers, body)
  if status ~= 202 then rejected = rejected + 1 end
end

function done(summary, latency, requests)
  local notAccepted = 0
  for _, thread in ipairs(threads) do notAccepted = notAccepted + thread:get("rejected") end
  io.write(string.format("accept p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("requests %d, errors (socket) %d, non-202 answers %d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, notAccepted))
end
