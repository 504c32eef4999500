-- wrk script for benchmarks/load.py: one route, signed in, as a browser or the player calls it.
--
-- wrk ... -s load_route.lua URL -- METHOD PATH COOKIE CSRF MODE BODYFILE   ("-" for none)
-- MODE: "plain" sends the same request each time; "checkin" gives every request a new client_id
-- (a real new diary entry, not an idempotent repeat); "session" plays guided sessions the way the
-- player saves them: four saves after an exercise (final=false, version 0..3) then the final save
-- (version 4), all with one client_id, then the next session. The body file holds @CLIENT_ID@,
-- @VERSION@ and @FINAL@ where they go. done() prints one line of JSON for load.py to read.

local counter = 0
local method, path, mode, template
local headers = {}
local threads = 0
local started = os.time()

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)  -- a global in that thread's own Lua state
end

function init(args)
  method, path, mode = args[1], args[2], args[5]
  if args[3] ~= "-" then headers["Cookie"] = args[3] end
  if args[4] ~= "-" then headers["X-CSRF-Token"] = args[4] end
  if args[6] ~= "-" then
    local file = assert(io.open(args[6], "r"))
    template = file:read("*a")
    file:close()
    headers["Content-Type"] = "application/json"
  end
end

local function uuid(n)
  -- A well-formed UUID, unique per run, thread and n.
  return string.format("%08x-%04x-4000-8000-%012x", started, thread_id or 0, n)
end

function request()
  counter = counter + 1
  if mode == "plain" then
    return wrk.format(method, path, headers, template)
  end
  local body = template
  if mode == "checkin" then
    body = (body:gsub("@CLIENT_ID@", uuid(counter)))
  elseif mode == "session" then
    local step = counter % 5
    body = (body:gsub("@CLIENT_ID@", uuid(math.floor(counter / 5))))
    body = (body:gsub("@VERSION@", tostring(step)))
    body = (body:gsub("@FINAL@", step == 4 and "true" or "false"))
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "bad_status": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
