-- wrk script for bench/serve: requests the paths listed in a file, in random order, with a bearer
-- token and, for media, a byte range of a fixed size at a random place in the file. Configured by
-- environment (wrk passes no per-script options to every thread):
--   WRK_PATHS       a file with one request path per line (required)
--   WRK_TOKEN       sent as Authorization: Bearer WRK_TOKEN (optional; nginx ignores it)
--   WRK_RANGE_SIZE  bytes per request, as Range: bytes=A-B (optional; 0 or unset: no Range)
--   WRK_FILE_SIZE   the media file's size, which the ranges stay within (required with a range)
-- At the end it prints one line "WRK_RESULT {json}" with exact counts (bytes, requests, errors) and
-- latency percentiles in microseconds, so that the bench need not parse wrk's rounded text.

local seeds = 0

function setup(thread)
    seeds = seeds + 1
    thread:set("seed", seeds)
end

local paths = {}
local token = os.getenv("WRK_TOKEN")
local range_size = tonumber(os.getenv("WRK_RANGE_SIZE") or "0") or 0
local file_size = tonumber(os.getenv("WRK_FILE_SIZE") or "0") or 0

function init(args)
    math.randomseed(os.time() * 1000 + (seed or 0))
    local list = os.getenv("WRK_PATHS")
    if not list then error("WRK_PATHS is not set") end
    for line in io.lines(list) do
        if line ~= "" then paths[#paths + 1] = line end
    end
    if #paths == 0 then error(list .. " lists no paths") end
    if range_size > 0 and file_size <= 0 then error("WRK_FILE_SIZE is needed with WRK_RANGE_SIZE") end
end

function request()
    local headers = {}
    if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if range_size > 0 then
        -- A viewer's player asks for the next piece of the file: any whole piece, as seeks and many
        -- viewers at different places make it.
        local pieces = math.ceil(file_size / range_size)
        local first = (math.random(pieces) - 1) * range_size
        local last = math.min(first + range_size, file_size) - 1
        headers["Range"] = string.format("bytes=%d-%d", first, last)
    end
    return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRK_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, ' ..
        '"write_errors": %d, "timeouts": %d, "non_2xx_3xx": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
        '"max_us": %d}\n',
        summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
