-- Argo CD health check for karpenter.sh Machine (v1alpha5), the node claim of Karpenter
-- v0.27-v0.31 and of KAITO's first releases (Azure gpu-provisioner).
--
-- Machine conditions use knative semantics: MachineLaunched (MachineCreated in early releases),
-- MachineRegistered and MachineInitialized feed the Ready condition, and while a stage is still
-- in progress Karpenter marks it False (for example NodeNotFound "Node not registered with
-- cluster"), which turns Ready False as well. So Ready=False alone is not a failure here; only a
-- failed launch or a known failure reason is Degraded.
--
-- Only the base and table libraries are used, so it also works from argocd-cm without useOpenLibs.

local hs = {}

local failureReasons = {
  LaunchFailed = true,
  LinkFailed = true,
  InsufficientCapacity = true,
  InsufficientCapacityError = true,
  MultipleNodesFound = true,
}

local failureMessages = {
  ["all requested instance types were unavailable"] = true,
  ["all requested instance types were unavailable during launch"] = true,
}

local function findCondition(conditions, condType)
  for _, c in ipairs(conditions) do
    if c.type == condType then
      return c
    end
  end
  return nil
end

local function present(text)
  return text ~= nil and text ~= ""
end

local function describe(title, c)
  local text = title
  if c ~= nil then
    if present(c.reason) then
      text = text .. " (" .. tostring(c.reason) .. ")"
    end
    if present(c.message) then
      text = text .. ": " .. tostring(c.message)
    end
  end
  return text
end

local function isFailure(c)
  if c.status ~= "False" then
    return false
  end
  if c.reason ~= nil and failureReasons[c.reason] then
    return true
  end
  return c.message ~= nil and failureMessages[c.message] == true
end

if obj.status == nil or obj.status.conditions == nil or #obj.status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the Machine to be launched"
  return hs
end

local conditions = obj.status.conditions
local ready = findCondition(conditions, "Ready")
local launched = findCondition(conditions, "MachineLaunched")
if launched == nil then
  launched = findCondition(conditions, "MachineCreated")
end
local registered = findCondition(conditions, "MachineRegistered")
local initialized = findCondition(conditions, "MachineInitialized")

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  if present(obj.status.nodeName) then
    hs.message = "Node " .. tostring(obj.status.nodeName) .. " is ready"
  else
    hs.message = "Machine is ready"
  end
  return hs
end

if launched ~= nil and launched.status == "False" then
  hs.status = "Degraded"
  hs.message = describe("Launch failed", launched)
  return hs
end

for _, c in ipairs({ launched, registered, initialized, ready }) do
  if c ~= nil and isFailure(c) then
    hs.status = "Degraded"
    hs.message = describe("Machine failed", c)
    return hs
  end
end

hs.status = "Progressing"
if launched == nil or launched.status ~= "True" then
  hs.message = describe("Launching the instance", launched)
elseif registered == nil or registered.status ~= "True" then
  hs.message = describe("Instance launched, waiting for its node to register", registered)
elseif initialized == nil or initialized.status ~= "True" then
  hs.message = describe("Node registered, waiting for initialization", initialized)
else
  hs.message = describe("Node initialized, waiting for Ready", ready)
end
return hs
