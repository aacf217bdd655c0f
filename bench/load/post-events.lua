-- wrk script: POSTs pre-generated event bodies in rotation and counts responses by status.
-- BENCH_BODY_DIR holds body-0 … body-(BENCH_BODIES-1); BENCH_CONTENT_TYPE is their content type.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("BENCH_BODY_DIR")
  local n = tonumber(os.getenv("BENCH_BODIES"))
  local headers = { ["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") }
  requests = {}
  for i = 0, n - 1 do
    local f = assert(io.open(dir .. "/body-" .. i, "rb"))
    requests[i + 1] = wrk.format("POST", nil, headers, f:read("*a"))
    f:close()
  end
  idx = 0
  accepted = 0
  other = 0
end

function request()
  idx = idx % #requests + 1
  return requests[idx]
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  io.write(string.format('{"wrk":true,"accepted":%d,"other":%d,"seconds":%f,"socketErrors":%d,"p50us":%d,"p99us":%d}\n',
    a, o, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
