// The model lock's identity: its file name and header, shared by the parser, the writer and the
// edges that look for it.
/** The file `render`, `validate` and the Argo CD plugin look for beside the Workspaces. */
export const LOCK_FILE_NAME = "kaito-models.lock.yaml";
export const LOCK_API_VERSION = "kaito-gitops.io/v1";
export const LOCK_KIND = "ModelLock";
