-- wrk script for `pnpm bench`: each request is picked at random from a file of
-- "METHOD<TAB>PATH<TAB>BODY" lines (BENCH_REQUESTS), with the bearer token (BENCH_AUTH)
-- and organization (BENCH_ORG) as headers. done() prints one BENCH_RESULT JSON line.
local pool = {}

function init(args)
  local headers = {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then headers["Authorization"] = "Bearer " .. auth end
  local org = os.getenv("BENCH_ORG")
  if org and org ~= "" then headers["X-Organization-Id"] = org end
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, target, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    if method then
      local h = {}
      for k, v in pairs(headers) do h[k] = v end
      if body == nil or body == "" then
        body = nil
      else
        h["Content-Type"] = "application/json"
      end
      pool[#pool + 1] = wrk.format(method, target, h, body)
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return pool[math.random(#pool)]
end

-- How many answered requests took longer than limitUs: the share past the smallest percentile
-- above it (bisected on wrk's histogram), times the answered requests.
local function countOver(latency, answered, limitUs)
  if answered == 0 or latency.max <= limitUs then return 0 end
  local lo, hi = 0, 100
  for _ = 1, 40 do
    local mid = (lo + hi) / 2
    if latency:percentile(mid) > limitUs then hi = mid else lo = mid end
  end
  return math.floor((100 - hi) / 100 * answered + 0.5)
end

function done(summary, latency, _)
  local e = summary.errors
  local over2s = countOver(latency, summary.requests, 2000000)
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"meanUs":%.1f,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"over2s":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, over2s))
end
