-- wrk requests taken from a file, one per line (harness.pool_args builds the arguments):
--   wrk ... -s pool.lua URL -- FILE KIND MODE THREADS [AUTHORIZATION]
-- KIND  form:   POST the line as an application/x-www-form-urlencoded body,
--               with the Authorization header AUTHORIZATION (client authentication);
--       bearer: GET with "Authorization: Bearer <line>".
-- MODE  once:   each line is used once (authorization codes, refresh tokens: single use);
--               thread n of THREADS takes lines n, n+THREADS, ... so no two threads share one;
--               when a thread runs out it repeats its last request (the server refuses it,
--               wrk counts a non-2xx) and "pool exhausted: N" is printed at the end.
--       cycle:  each thread goes round its lines again and again (access tokens).
-- The requests are formatted once in init, so request() costs wrk almost nothing.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   local file, kind, mode, nthreads, authorization = args[1], args[2], args[3], tonumber(args[4]), args[5]
   cycle = (mode == "cycle")
   overrun = 0
   pool = {}
   local index = 0
   for line in io.lines(file) do
      if line ~= "" then
         if index % nthreads == id then
            local request
            if kind == "form" then
               local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
               if authorization and authorization ~= "" then headers["Authorization"] = authorization end
               request = wrk.format("POST", nil, headers, line)
            else
               request = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line }, nil)
            end
            table.insert(pool, request)
         end
         index = index + 1
      end
   end
   if #pool == 0 then error("pool.lua: no request for thread " .. id .. " in " .. file) end
   position = 0
end

function request()
   position = position + 1
   if position > #pool then
      if cycle then
         position = 1
      else
         overrun = overrun + 1
         position = #pool
      end
   end
   return pool[position]
end

function done(summary, latency, requests)
   local total = 0
   for _, thread in ipairs(threads) do
      total = total + (thread:get("overrun") or 0)
   end
   io.write(string.format("pool exhausted: %d\n", total))
end
