-- wrk script: POST one event per request, spread over 1,000 entities, AllSource's benchmark payload.
local counter = 0

request = function()
  counter = counter + 1
  local body = '{"event_type":"benchmark.event","entity_id":"entity-' .. (counter % 1000)
    .. '","payload":{"index":' .. counter .. ',"data":"payload"}}'
  return wrk.format("POST", "/api/v1/events", {["Content-Type"] = "application/json"}, body)
end
