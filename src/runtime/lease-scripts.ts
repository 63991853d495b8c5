// The Lua scripts behind the shared quota (redis-bucket.ts, redis-slots.ts). Each one touches a single key and
// runs atomically, so one block of quota costs one round trip (EVALSHA through ioredis' defineCommand), and every
// key of one quota carries the same hash tag, so the scripts also run on Redis Cluster
// (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags).
//
// Why scripts rather than a weighted Bottleneck clustered job: Bottleneck runs several scripts per job (register,
// submit, free, heartbeat) plus its own timers; measured on this code base it sent 3.1 EVALSHA per call for one
// class and 7.2 for two, which is the round-trip bill this design removes. A script per block is one round trip
// for a whole block of calls.
//
// The quota hash `{ns}:<bucket>:q` holds the window the processes share:
//   end    — when the window ends (ms since the epoch, the provider's reset plus a safety margin)
//   left   — tokens of this window nobody has leased yet
//   leased — tokens handed out in this window and not given back (spent, in flight or still held)
//   hold   — counter raised by every 429: a process that sees it change drops what it still holds
// The process clock is the time base (the same clock the provider's reset headers are read against).

/** Lives as long as its window, plus this long so the next window can continue the provider's schedule. */
export const KEY_GRACE_MS = 1000;

/**
 * Takes a block. ARGV: now, limit, intervalMs, want, shareDivisor, minBlock, graceMs.
 * A new window continues the old one's schedule when it just ended (the provider's windows follow each other), and
 * starts now otherwise. The block is what the caller wants, capped at a small share of what is left, so one greedy
 * process cannot take a small window (Chatwork's 300 per 5 minutes) away from the others; the share never drops
 * below minBlock, so the end of a window is not spent one round trip per token.
 * Returns { granted, end, left, hold }.
 */
export const TAKE_BLOCK = `
local now, limit, interval = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local want, divisor, least, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local s = redis.call('hmget', KEYS[1], 'end', 'left', 'leased', 'hold')
local e, left, leased, hold = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]) or 0, tonumber(s[4]) or 0
if e == nil or now >= e then
  if e ~= nil and now < e + interval then e = e + interval else e = now + interval end
  left, leased = limit, 0
end
local granted = math.min(want, left, math.max(least, math.floor(left / divisor)))
if granted < 0 then granted = 0 end
left = left - granted
redis.call('hset', KEYS[1], 'end', e, 'left', left, 'leased', leased + granted, 'hold', hold)
redis.call('pexpireat', KEYS[1], e + grace)
return { granted, e, left, hold }
`;

/** Gives unused tokens back to the window they were leased from (ignored once that window is over). ARGV: tokens, end. */
export const GIVE_BACK = `
local e = tonumber(redis.call('hget', KEYS[1], 'end'))
if e == nil or e ~= tonumber(ARGV[2]) then return 0 end
redis.call('hincrby', KEYS[1], 'left', ARGV[1])
redis.call('hincrby', KEYS[1], 'leased', -tonumber(ARGV[1]))
return 1
`;

/**
 * Adopts the provider's count. ARGV: now, remaining ('' if unknown), end ('' if unknown: the reset plus the margin),
 * tolerance ms, graceMs, intervalMs.
 * About the window the processes are in (ends agree within the tolerance): it can only lower what is left. About the
 * window that follows it (a call the provider counted just after its reset, before this window's margin ran out):
 * nothing to do, the next window continues this one's schedule. About another window (not aligned yet, or the
 * provider reset elsewhere): adopt its end, and of what it says remains keep back every token already leased, since
 * those may still be spent in it; this errs on the safe side once.
 */
export const ADOPT_READING = `
local now, remaining, e_new, tolerance, grace, interval =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local s = redis.call('hmget', KEYS[1], 'end', 'left', 'leased')
local e, left, leased = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]) or 0
if e == nil or now >= e then return 0 end
if e_new ~= nil and math.abs(e_new - e - interval) <= tolerance then return 0 end
if e_new == nil or math.abs(e - e_new) <= tolerance then
  if remaining ~= nil and remaining < left then redis.call('hset', KEYS[1], 'left', math.max(0, remaining)) end
  return 1
end
if remaining ~= nil then left = math.max(0, remaining - leased) end
redis.call('hset', KEYS[1], 'end', e_new, 'left', left)
redis.call('pexpireat', KEYS[1], e_new + grace)
return 2
`;

/** A 429: nothing more for anyone until `until`. ARGV: until, graceMs. Returns the new hold counter. */
export const HOLD = `
local until, grace = tonumber(ARGV[1]), tonumber(ARGV[2])
local hold = redis.call('hincrby', KEYS[1], 'hold', 1)
redis.call('hset', KEYS[1], 'end', until, 'left', 0, 'leased', 0)
redis.call('pexpireat', KEYS[1], until + grace)
return hold
`;

/**
 * A concurrency slot (e.g. LINE WORKS API 1.0's 5 connections). ARGV: now, cap, member, ttlMs. A slot whose holder
 * died frees itself after ttlMs. Returns 1 when taken.
 */
export const TAKE_SLOT = `
local now, cap, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
if redis.call('zcard', KEYS[1]) >= cap then return 0 end
redis.call('zadd', KEYS[1], now + ttl, ARGV[3])
redis.call('pexpire', KEYS[1], ttl)
return 1
`;

/** ARGV: member. */
export const RELEASE_SLOT = `return redis.call('zrem', KEYS[1], ARGV[1])`;
