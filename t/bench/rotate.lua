-- rotate.lua - wrk script for ./souk bench: requests the paths listed in a
-- file (one per line), each thread starting at its own place and going round,
-- with optional extra headers; prints one machine-readable line at the end.
--
--   wrk -t2 -c64 -d10s -s rotate.lua http://127.0.0.1:28080 -- paths.txt [Header: value]
local paths = {}
local headers = {}
local i = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  for k = 2, #args do
    local name, value = args[k]:match("^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  -- threads start far apart, so they do not ask for the same page in step
  i = ((id or 1) - 1) * math.floor(#paths / 2)
end

function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i], headers)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.timeout
  io.write(string.format("BENCH rps=%.0f p50=%.2f p95=%.2f p99=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.errors.status, errors))
end
