-- bench/pipeline.lua: wrk script that sends requests pipelined, N deep (default 16).
-- Usage: wrk -t1 -c64 -d10s -s bench/pipeline.lua http://127.0.0.1:PORT/plaintext -- 16
-- Each write carries N copies of the GET; wrk counts every response, so req/s is responses/s.

init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
