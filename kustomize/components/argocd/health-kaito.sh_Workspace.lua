-- Argo CD health check for kaito.sh Workspace (v1alpha1 and v1beta1).
--
-- Inputs: status.conditions (metav1.Condition: ResourceReady, InferenceReady, JobStarted,
-- WorkspaceSucceeded, and WorkspaceReady / MachineReady from KAITO v0.2), status.state
-- (v1beta1: Pending|Ready|NotReady|Running|Succeeded|Failed), status.observedGeneration and the
-- conditions' observedGeneration. A Workspace is a tuning Workspace when it has a top-level
-- `tuning` field, an inference Workspace otherwise.
--
-- Only the base and table libraries are used, so the script also works as an argocd-cm custom
-- check without useOpenLibs. When the string library is present (built-in checks, or
-- useOpenLibs "true"), any False condition whose reason contains "Failed", or whose message says
-- that no requested instance type was available, also counts as a failure.
--
-- Degraded is kept for states that need a person (bad image, crash loop, OOM, no capacity, job
-- failed): a Degraded resource fails a multi-wave sync, while slow GPU provisioning and model
-- loading are normal and stay Progressing.

local hs = {}

-- Reasons that mean "something is broken", whatever the condition type.
local failureReasons = {
  -- inference pod failures classified by the controller
  ImagePullError = true,
  ContainerCrashLoopBackOff = true,
  ContainerOOMKilled = true,
  ContainerStartError = true,
  Unschedulable = true,
  SASTokenFetchFailed = true,
  BenchmarkFailed = true,
  -- overall / tuning failures
  workspaceFailed = true,
  WorkspaceTuningJobStatusFailed = true,
  WorkspaceInferenceStatusFailed = true,
  -- node provisioning failures (KAITO v0.2 reasons, then Karpenter reasons surfaced from the NodeClaim)
  workspaceResourceStatusFailed = true,
  machineFailedCreation = true,
  checkMachineStatusFailed = true,
  LaunchFailed = true,
  LinkFailed = true,
  InsufficientCapacity = true,
  InsufficientCapacityError = true,
  CreateInstanceFailed = true,
  InstanceTypeResolutionFailed = true,
  ModelMirrorCreateFailed = true,
}

-- Messages that mean the cloud has no capacity for the requested instance type.
local failureMessages = {
  ["all requested instance types were unavailable"] = true,
  ["all requested instance types were unavailable during launch"] = true,
}

-- Condition types that describe the observed spec; their observedGeneration is compared with
-- metadata.generation.
local trackedTypes = {
  ResourceReady = true,
  NodeClaimReady = true,
  MachineReady = true,
  NodesReady = true,
  InferenceReady = true,
  JobStarted = true,
  WorkspaceSucceeded = true,
  WorkspaceReady = true,
}

-- Order in which failures are reported: the earliest stage is the root cause.
local stageOrder = {
  "ResourceReady", "NodeClaimReady", "MachineReady", "NodesReady",
  "JobStarted", "InferenceReady", "WorkspaceSucceeded", "WorkspaceReady",
}

local failureTitles = {
  ResourceReady = "GPU node provisioning failed",
  NodeClaimReady = "GPU node provisioning failed",
  MachineReady = "GPU node provisioning failed",
  NodesReady = "GPU node provisioning failed",
  JobStarted = "Tuning job failed",
  InferenceReady = "Inference workload failed",
  WorkspaceSucceeded = "Workspace failed",
  WorkspaceReady = "Workspace failed",
}

local stringFind = nil
if type(string) == "table" and type(string.find) == "function" then
  stringFind = string.find
end

local function contains(text, part)
  return stringFind ~= nil and type(text) == "string" and stringFind(text, part, 1, true) ~= nil
end

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

-- "<title> (<reason>): <message>", leaving out what the condition lacks.
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

-- "<title>: <message>" for good news, where the reason adds nothing.
local function withMessage(title, c)
  if c ~= nil and present(c.message) then
    return title .. ": " .. tostring(c.message)
  end
  return title
end

local function isFailure(c)
  if c.status ~= "False" then
    return false
  end
  if c.reason ~= nil and failureReasons[c.reason] then
    return true
  end
  if c.message ~= nil and failureMessages[c.message] then
    return true
  end
  return contains(c.reason, "Failed") or contains(c.message, "all requested instance types were unavailable")
end

local function firstFailure(conditions)
  for _, condType in ipairs(stageOrder) do
    local c = findCondition(conditions, condType)
    if c ~= nil and isFailure(c) then
      return c
    end
  end
  for _, c in ipairs(conditions) do
    if isFailure(c) then
      return c
    end
  end
  return nil
end

local function failureMessage(c)
  local title = failureTitles[c.type]
  if title == nil then
    title = tostring(c.type) .. " failed"
  end
  return describe(title, c)
end

local status = obj.status
local conditions = {}
if status ~= nil and status.conditions ~= nil then
  conditions = status.conditions
end

if status == nil or (#conditions == 0 and status.state == nil) then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to report the Workspace status"
  return hs
end

-- A status written for an older spec says nothing about the current one.
local generation = nil
if obj.metadata ~= nil and type(obj.metadata.generation) == "number" then
  generation = obj.metadata.generation
end
if generation ~= nil then
  local observed = nil
  if type(status.observedGeneration) == "number" then
    observed = status.observedGeneration
  end
  for _, c in ipairs(conditions) do
    if trackedTypes[c.type] and type(c.observedGeneration) == "number" then
      if observed == nil or c.observedGeneration < observed then
        observed = c.observedGeneration
      end
    end
  end
  if observed ~= nil and observed < generation then
    hs.status = "Progressing"
    hs.message = "Waiting for the controller to observe generation " .. tostring(generation) ..
      " (status is for generation " .. tostring(observed) .. ")"
    return hs
  end
end

local isTuning = obj.tuning ~= nil
local state = status.state
local summary = findCondition(conditions, "WorkspaceSucceeded")
if summary == nil then
  summary = findCondition(conditions, "WorkspaceReady")
end
local failed = firstFailure(conditions)

if state == "Failed" then
  hs.status = "Degraded"
  if failed ~= nil then
    hs.message = failureMessage(failed)
  elseif isTuning then
    hs.message = describe("Tuning job failed", summary)
  else
    hs.message = describe("Workspace failed", summary)
  end
  return hs
end

if summary ~= nil and summary.status == "True" then
  hs.status = "Healthy"
  if isTuning then
    hs.message = withMessage("Tuning job succeeded", summary)
  else
    hs.message = withMessage("Inference is ready", summary)
  end
  return hs
end

if summary == nil and (state == "Ready" or state == "Succeeded") then
  hs.status = "Healthy"
  if isTuning then
    hs.message = "Tuning job succeeded"
  else
    hs.message = "Inference is ready"
  end
  return hs
end

if failed ~= nil then
  hs.status = "Degraded"
  hs.message = failureMessage(failed)
  return hs
end

-- Still on its way: report the earliest stage that is not done yet.
hs.status = "Progressing"
for _, condType in ipairs({ "ResourceReady", "NodeClaimReady", "MachineReady", "NodesReady" }) do
  local c = findCondition(conditions, condType)
  if c ~= nil and c.status ~= "True" then
    hs.message = describe("Waiting for GPU nodes", c)
    return hs
  end
end

if isTuning then
  local job = findCondition(conditions, "JobStarted")
  if job ~= nil and job.status ~= "True" then
    hs.message = describe("Waiting for the tuning job to start", job)
    return hs
  end
  if job ~= nil or state == "Running" then
    hs.message = withMessage("Tuning job is running", summary)
    return hs
  end
else
  local inference = findCondition(conditions, "InferenceReady")
  if inference ~= nil and inference.status ~= "True" then
    if state == "NotReady" then
      hs.message = describe("Inference workload is no longer ready", inference)
    else
      hs.message = describe("Waiting for the inference workload", inference)
    end
    return hs
  end
end

if summary ~= nil then
  hs.message = describe("Waiting for the Workspace to become ready", summary)
  return hs
end

if state ~= nil then
  hs.message = "Workspace is " .. tostring(state)
  return hs
end

hs.message = "Waiting for the Workspace to become ready"
return hs
