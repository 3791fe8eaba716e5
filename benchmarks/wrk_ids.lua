-- wrk script for benchmarks/run.sh: GET <prefix>/conversation/<id>, cycling through the ids
-- of a file, the same requests the peer programs send; prints one JSON line when done.
--
--     wrk -t1 -cN -dS -s wrk_ids.lua https://localhost:PORT -- /set/atoms/v1 ids.txt

local ids = {}
local prefix = ""
local next_id = 0

function init(args)
  prefix = args[1]
  for line in io.lines(args[2]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("wrk_ids.lua: no ids in " .. args[2]) end
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format("GET", prefix .. "/conversation/" .. ids[next_id])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.6f,"bytes":%d,"errors":%d,"latency_p50_us":%d,"latency_p99_us":%d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
