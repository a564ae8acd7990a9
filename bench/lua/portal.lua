-- wrk script for the portal benchmark, configured by environment variables (wrk's main state, where setup()
-- runs, never sees the script arguments):
--   BENCH_MODE      get | vote | comment
--   BENCH_PATH      the path to GET (mode get)
--   BENCH_SESSIONS  a file of "cookie<TAB>csrf token" lines, one signed-in person per wrk thread (optional)
--   BENCH_IDS       a file of idea ids, one per line, that votes and comments pick from at random
--   BENCH_WORDS     a file of words, one per line: each {word} in BENCH_PATH becomes one of them, at random,
--                   a new one on each request
-- done() prints one line "BENCH_JSON {...}" that bench/run.py reads.

local sessions = {}
local next_thread = 0

local function lines(path)
  local out = {}
  if path and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then out[#out + 1] = line end
    end
  end
  return out
end

function setup(thread)
  if #sessions == 0 then sessions = lines(os.getenv("BENCH_SESSIONS")) end
  next_thread = next_thread + 1
  thread:set("thread_number", next_thread)
  if #sessions > 0 then
    local line = sessions[(next_thread - 1) % #sessions + 1]
    local tab = line:find("\t", 1, true)
    thread:set("cookie", line:sub(1, tab - 1))
    thread:set("csrf", line:sub(tab + 1))
  end
end

local mode, path, ids, words, counter

function init(args)
  mode = os.getenv("BENCH_MODE") or "get"
  path = os.getenv("BENCH_PATH") or "/"
  ids = lines(os.getenv("BENCH_IDS"))
  words = lines(os.getenv("BENCH_WORDS"))
  counter = 0
  if #words > 0 then
    -- Not the warm-up's words again: a run must not find the searches it times kept from the one before.
    math.randomseed(os.time() * 100 + (thread_number or 0))
  else
    math.randomseed(1000 + (thread_number or 0))
  end
end

local function random_word()
  return words[math.random(#words)]
end

function request()
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if mode == "get" then
    if #words > 0 then
      return wrk.format("GET", (path:gsub("{word}", random_word)), headers)
    end
    return wrk.format("GET", path, headers)
  end
  counter = counter + 1
  local id = ids[math.random(#ids)]
  -- As static/js/portal.js sends them: the form fields, and the CSRF token in a header.
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-CSRFToken"] = csrf
  if mode == "vote" then
    headers["Accept"] = "application/json"
    local action = (math.random(2) == 1) and "add" or "remove"
    return wrk.format("POST", "/ideas/" .. id .. "/vote", headers, "action=" .. action)
  end
  local body = "body=A+benchmark+comment+number+" .. counter .. "+from+thread+" .. (thread_number or 0)
  return wrk.format("POST", "/ideas/" .. id .. "/comments", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, '
    .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
