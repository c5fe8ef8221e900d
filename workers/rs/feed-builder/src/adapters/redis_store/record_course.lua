-- A course snapshot (published, updated, unpublished): kept only when newer than the stored
-- version, so redelivery and reordering change nothing. The course's students' feeds show its
-- title and next lesson: the course is marked. When its title or publication changed, the
-- feeds that may recommend it are those of the students of its co-enrolled courses: those are
-- marked too.
-- ARGV: prefix, course, version, published (1|0), title, lesson ids (a JSON array).
-- Returns 1 (stored) or 0 (not newer).
local p, c, version = ARGV[1], ARGV[2], tonumber(ARGV[3])

local function mark(course)
  local generation = redis.call('INCR', p .. 'dirty:next')
  redis.call('ZADD', p .. 'dirty', 'NX', generation, course)
  redis.call('HSET', p .. 'dirty:generation', course, generation)
end

local key = p .. 'course:' .. c
local current = redis.call('HMGET', key, 'version', 'title', 'published')
if tonumber(current[1] or '0') >= version then return 0 end
redis.call('HSET', key, 'version', ARGV[3], 'published', ARGV[4], 'title', ARGV[5], 'lessons', ARGV[6])
mark(c)
if current[2] ~= ARGV[5] or current[3] ~= ARGV[4] then
  for _, other in ipairs(redis.call('ZRANGE', p .. 'co:' .. c, 0, -1)) do mark(other) end
end
return 1
