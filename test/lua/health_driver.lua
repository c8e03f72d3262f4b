-- Runs one Argo CD health script under Lua 5.1 for test/lua/health.test.ts.
--
-- usage: lua5.1 health_driver.lua <open|restricted> <path/to/health.lua>
-- stdin: a Lua chunk "return { ... }" that builds the object; it becomes the global `obj`.
--
-- Library sets, as in Argo CD's util/lua/lua.go:
--   open        all standard libraries (built-in resource_customizations checks, useOpenLibs)
--   restricted  base, table and a safe os (os.time, os.date; also via require("os")) only, as
--               for argocd-cm custom checks without useOpenLibs;
--               the string library is absent and strings have no methods
--
-- stdout, length-prefixed so that any bytes survive (a length of -1 means nil):
--   result\n<len>\n<status>\n<len>\n<message>\n
--   error\n<len>\n<text>\n
-- `print` in the script goes to stderr so it cannot corrupt this protocol.

local mode, scriptPath = arg[1], arg[2]

local out = io.stdout

local function field(value)
  if value == nil then
    out:write("-1\n")
  else
    out:write(#value, "\n", value, "\n")
  end
end

local function fail(text)
  out:write("error\n")
  field(tostring(text))
  out:flush()
  os.exit(0)
end

if (mode ~= "open" and mode ~= "restricted") or scriptPath == nil then
  io.stderr:write("usage: lua5.1 health_driver.lua <open|restricted> <health.lua>\n")
  os.exit(2)
end

local source = io.read("*a")
local build, buildErr = loadstring(source, "=object")
if build == nil then
  fail("cannot load the object literal: " .. tostring(buildErr))
end
setfenv(build, {})
local built, object = pcall(build)
if not built then
  fail("cannot build the object: " .. tostring(object))
end
if type(object) ~= "table" then
  fail("the object literal did not return a table")
end

local script, loadErr = loadfile(scriptPath)
if script == nil then
  fail(loadErr)
end

local function toStderr(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[#parts + 1] = tostring((select(i, ...)))
  end
  io.stderr:write(table.concat(parts, "\t"), "\n")
end

local env
local stringMeta = getmetatable("")
local stringIndex = stringMeta.__index

if mode == "open" then
  env = setmetatable({ obj = object, print = toStderr }, { __index = _G })
  env._G = env
else
  env = {}
  for _, name in ipairs({
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "unpack",
    "xpcall",
  }) do
    env[name] = _G[name]
  end
  env.print = toStderr
  env._VERSION = _VERSION
  env.table = {
    concat = table.concat, getn = table.getn, insert = table.insert, maxn = table.maxn,
    remove = table.remove, sort = table.sort,
  }
  local safeOs = { time = os.time, date = os.date }
  env.require = function(name)
    if name == "os" then
      return safeOs
    end
    error("module '" .. tostring(name) .. "' not found", 2)
  end
  env.os = safeOs
  env.obj = object
  env._G = env
  -- gopher-lua without OpenString gives strings no methods either
  stringMeta.__index = nil
end

setfenv(script, env)
local ran, result = pcall(script)
stringMeta.__index = stringIndex

if not ran then
  fail(result)
end

if result == nil then
  out:write("result\n")
  field(nil)
  field(nil)
  os.exit(0)
end
if type(result) ~= "table" then
  fail("health.lua returned a " .. type(result) .. ", not a table")
end
local status, message = result.status, result.message
if status ~= nil and type(status) ~= "string" then
  fail("health.lua returned a status of type " .. type(status))
end
if message ~= nil and type(message) ~= "string" then
  fail("health.lua returned a message of type " .. type(message))
end
out:write("result\n")
field(status)
field(message)
out:flush()
os.exit(0)
