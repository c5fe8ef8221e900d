-- The oldest marked courses with the generation of their latest mark.
-- ARGV: prefix, how many. Returns [course, generation, course, generation, ...].
local p, limit = ARGV[1], tonumber(ARGV[2])
local found = {}
for _, c in ipairs(redis.call('ZRANGE', p .. 'dirty', 0, limit - 1)) do
  table.insert(found, c)
  table.insert(found, redis.call('HGET', p .. 'dirty:generation', c) or '0')
end
return found
