// What is known about a model without downloading it: the facts KAITO's preset generator derives
// from the Hugging Face hub (the file list and config.json). KAITO v0.12 embeds such entries for its
// catalog models (model_catalog.yaml); the model lock pins the same entries for any other model, so
// a render never touches the network.
export interface ModelFacts {
  /** The Hugging Face id as published, e.g. `microsoft/Phi-4-mini-instruct` (matched case-insensitively). */
  readonly name: string;
  /** The git revision (commit SHA) the entry was resolved at; absent for built-in catalog entries. */
  readonly revision?: string;
  readonly description?: string;
  readonly license?: string;
  readonly pipelineTag?: string;
  /** Total size of the weight files, KAITO's format: `27.31Gi` (two decimals). */
  readonly modelFileSize: string;
  readonly architectures: readonly string[];
  /** Context length (max_position_embeddings and its aliases). */
  readonly modelTokenLimit: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim?: number;
  /** DeepSeek multi-head latent attention. */
  readonly kvLoraRank?: number;
  readonly qkRopeHeadDim?: number;
  readonly quantMethod?: string;
  readonly quantBits?: number;
  /** `mistral` for models published in Mistral's consolidated format; `auto` otherwise. */
  readonly loadFormat?: string;
  readonly configFormat?: string;
  readonly tokenizerMode?: string;
  /** The hub answered 401/403 without a token: the Workspace needs presetOptions.modelAccessSecret. */
  readonly gated?: boolean;
}
