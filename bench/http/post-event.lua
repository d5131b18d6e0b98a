-- wrk script: POST one event per request, spread over 1,000 entities, AllSource's benchmark payload.
-- With PEREGRINE_API_KEY set, each request carries it as X-API-Key (bench/http/cost-ratio); with
-- PEREGRINE_POST_PATH set, it posts there instead (bench/http/ceiling-ratio's ceiling route).
local counter = 0
local key = os.getenv("PEREGRINE_API_KEY")
local path = os.getenv("PEREGRINE_POST_PATH") or "/api/v1/events"
local headers = {["Content-Type"] = "application/json"}
if key then
  headers["X-API-Key"] = key
end

request = function()
  counter = counter + 1
  local body = '{"event_type":"benchmark.event","entity_id":"entity-' .. (counter % 1000)
    .. '","payload":{"index":' .. counter .. ',"data":"payload"}}'
  return wrk.format("POST", path, headers, body)
end
