-- Zipf-distributed page views over Manchete's article pages, most popular first, for wrk 4.
--
--   wrk -t2 -c64 -d30s --latency -s bench/wrk/zipf.lua http://127.0.0.1:8080 -- PATHS [SEED] [POST_SHARE] [EXPONENT]
--
-- PATHS: one path per line in DemoData's popularity order (bench/run writes it); line k is drawn with
-- probability proportional to 1/k^EXPONENT (default 1.0, the law DemoData's comments follow).
-- POST_SHARE (0..1, default 0): that share of requests are comment form POSTs to PATH/comments
-- (author/body form fields, each body unique), as a reader's browser sends them.
-- done() prints one line "BENCH_JSON {...}" that bench/run reads; wrk's own report comes before it.

local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("id", thread_count)
   table.insert(threads, thread)
end

-- per thread (globals, so that done() can read them with thread:get)
posts = 0

local paths, cdf, gets = {}, {}, {}
local post_share = 0
local form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
   local file = args[1] or error("zipf.lua: pass the paths file after --")
   local seed = tonumber(args[2] or "42")
   post_share = tonumber(args[3] or "0")
   local s = tonumber(args[4] or "1.0")
   for line in io.lines(file) do
      if #line > 0 then
         paths[#paths + 1] = line
      end
   end
   if #paths == 0 then
      error("zipf.lua: no paths in " .. file)
   end
   -- the precomputed Zipf table: the cumulative distribution over the ranks
   local sum = 0
   for k = 1, #paths do
      sum = sum + 1 / (k ^ s)
      cdf[k] = sum
   end
   for k = 1, #paths do
      cdf[k] = cdf[k] / sum
      gets[k] = wrk.format("GET", paths[k])
   end
   cdf[#paths] = 1.0
   math.randomseed(seed * 1000 + (id or 1))
end

-- the rank whose cumulative probability first reaches u (binary search, as DemoData.sample does)
local function rank()
   local u = math.random()
   local lo, hi = 1, #cdf
   while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then
         lo = mid + 1
      else
         hi = mid
      end
   end
   return lo
end

function request()
   local k = rank()
   if post_share > 0 and math.random() < post_share then
      posts = posts + 1
      local body = "author=Bench+reader+" .. id .. "&body=Comment+" .. id .. "-" .. posts .. "+from+the+benchmark."
      return wrk.format("POST", paths[k] .. "/comments", form_headers, body)
   end
   return gets[k]
end

function done(summary, latency, requests)
   local total_posts = 0
   for _, thread in ipairs(threads) do
      total_posts = total_posts + (thread:get("posts") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"posts":%d,'
         .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,'
         .. '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, total_posts,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
