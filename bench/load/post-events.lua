-- wrk script: POSTs pre-generated event bodies in rotation and counts responses by status.
-- BENCH_BODY_DIR holds body-0 … body-(BENCH_BODIES-1); BENCH_CONTENT_TYPE is their content type.
-- Every event carries a number slot ("data":{"n":123,) that is renumbered on each send, so replayed
-- bodies never look like a retry storm to the server (see UNIQUE_SLOT in bench/lib/workload.ts).
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local SLOT = '"data":{"n":%d+,'
local PREFIX = '"data":{"n":'

local function split(body)
  local parts, pos = {}, 1
  while true do
    local s, e = string.find(body, SLOT, pos)
    if not s then break end
    parts[#parts + 1] = body:sub(pos, s + #PREFIX - 1)
    pos = e
  end
  parts[#parts + 1] = body:sub(pos)
  return parts
end

function init(args)
  local dir = os.getenv("BENCH_BODY_DIR")
  local n = tonumber(os.getenv("BENCH_BODIES"))
  headers = { ["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") }
  bodies = {}
  for i = 0, n - 1 do
    local f = assert(io.open(dir .. "/body-" .. i, "rb"))
    bodies[i + 1] = split(f:read("*a"))
    f:close()
  end
  idx = 0
  -- Distinct per thread and per run (wrk is started again for each phase).
  counter = tid * 1e12 + (os.time() % 1000000) * 1e6
  accepted = 0
  other = 0
end

function request()
  idx = idx % #bodies + 1
  local parts, out = bodies[idx], {}
  for i = 1, #parts - 1 do
    out[#out + 1] = parts[i]
    out[#out + 1] = counter
    counter = counter + 1
  end
  out[#out + 1] = parts[#parts]
  return wrk.format("POST", nil, headers, table.concat(out))
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
