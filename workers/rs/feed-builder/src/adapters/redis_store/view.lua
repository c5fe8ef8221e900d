-- Everything one student's feed is computed from, in one round trip, as JSON:
-- {"enrolments": [[course, last_ms, progress, completed, [done lessons]]...],
--  "neighbours": [[course, [other, count, other, count, ...]]...],
--  "courses": [[course, title, published, lessons JSON]...]}
-- (cjson writes an empty list as {}: the reader takes both.)
-- ARGV: prefix, student, neighbours per course.
local p, s, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local enrolments, neighbours, wanted = {}, {}, {}
for _, c in ipairs(redis.call('SMEMBERS', p .. 'student:' .. s .. ':courses')) do
  local e = redis.call('HMGET', p .. 'enrolment:' .. s .. ':' .. c, 'last', 'progress', 'completed')
  local done = redis.call('SMEMBERS', p .. 'done:' .. s .. ':' .. c)
  table.insert(enrolments, {c, e[1] or '0', e[2] or '0', e[3] or '0', done})
  local links = {}
  if limit > 0 then
    links = redis.call('ZREVRANGE', p .. 'co:' .. c, 0, limit - 1, 'WITHSCORES')
  end
  table.insert(neighbours, {c, links})
  wanted[c] = true
  for i = 1, #links, 2 do wanted[links[i]] = true end
end
local courses = {}
for c, _ in pairs(wanted) do
  local info = redis.call('HMGET', p .. 'course:' .. c, 'title', 'published', 'lessons')
  if info[2] then table.insert(courses, {c, info[1] or '', info[2], info[3] or '[]'}) end
end
return cjson.encode({enrolments = enrolments, neighbours = neighbours, courses = courses})
