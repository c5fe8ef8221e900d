-- Removes a course's mark unless it was marked again after it was read.
-- ARGV: prefix, course, generation read. Returns 1 (removed) or 0 (kept).
local p, c = ARGV[1], ARGV[2]
if redis.call('HGET', p .. 'dirty:generation', c) == ARGV[3] then
  redis.call('ZREM', p .. 'dirty', c)
  redis.call('HDEL', p .. 'dirty:generation', c)
  return 1
end
return 0
