-- One student's step in a course (enrolled, a lesson completed, the course completed), applied
-- atomically. Idempotent by construction, so a redelivered event changes nothing:
--   * the student's course set is the guard of the only increments: the co-enrolment counts
--     go up only when SADD adds the course (the first event of this student in this course);
--   * the latest activity is a maximum, the completed lessons a set, completion a flag;
--   * the progress figure is the one of the highest enrollment version seen.
-- ARGV: prefix, student, course, at_ms, version, kind (enrolled|lesson|completed), lesson,
-- progress_percent. Returns 2 (a new enrolment), 1 (changed) or 0 (nothing changed).
-- Keys are built from the prefix: one Redis server, not a cluster (README).
local p, s, c = ARGV[1], ARGV[2], ARGV[3]
local at, version, kind = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

local function mark(course)
  local generation = redis.call('INCR', p .. 'dirty:next')
  redis.call('ZADD', p .. 'dirty', 'NX', generation, course)
  redis.call('HSET', p .. 'dirty:generation', course, generation)
end

local outcome = 0
local own = p .. 'student:' .. s .. ':courses'
if redis.call('SADD', own, c) == 1 then
  redis.call('SADD', p .. 'students:' .. c, s)
  local paired = false
  for _, other in ipairs(redis.call('SMEMBERS', own)) do
    if other ~= c then
      redis.call('ZINCRBY', p .. 'co:' .. other, 1, c)
      redis.call('ZINCRBY', p .. 'co:' .. c, 1, other)
      mark(other)
      paired = true
    end
  end
  if paired then mark(c) end
  outcome = 2
end

local changed = false
local enrolment = p .. 'enrolment:' .. s .. ':' .. c
if at > tonumber(redis.call('HGET', enrolment, 'last') or '0') then
  redis.call('HSET', enrolment, 'last', ARGV[4])
  changed = true
end
if kind == 'lesson' then
  if redis.call('SADD', p .. 'done:' .. s .. ':' .. c, ARGV[7]) == 1 then changed = true end
  if version > tonumber(redis.call('HGET', enrolment, 'progress_version') or '0') then
    redis.call('HSET', enrolment, 'progress', ARGV[8], 'progress_version', ARGV[5])
    changed = true
  end
elseif kind == 'completed' then
  if redis.call('HSETNX', enrolment, 'completed', '1') == 1 then changed = true end
end
if outcome == 0 and changed then outcome = 1 end
return outcome
